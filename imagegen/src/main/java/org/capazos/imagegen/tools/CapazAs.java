package org.capazos.imagegen.tools;

import org.capazos.dsl.Disassembler;
import org.capazos.dsl.text.SourceAssembler;
import org.capazos.dsl.text.SourceError;
import org.capazos.imagegen.elf.ElfRelocatableWriter;
import org.capazos.imagegen.out.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code capaz-as}: the AArch64 subset of GNU {@code as}, through {@link SourceAssembler}. Writes an ELF64
 * relocatable object; errors are printed as {@code file:line:column: error: message} with the source line and a
 * caret, all of them, and then the exit status is 1 and no output file is left.
 */
public final class CapazAs {
    private CapazAs() { }

    static final String USAGE = """
            Usage: capaz-as [options] file.s... | -
            Assembles AArch64 GNU-syntax source (several files: one after the other, into one object) into an ELF64
            relocatable object.

            Options:
              -o FILE            write the object to FILE (default: a.out; with --show-encoding and no -o, none)
              -I DIR             search DIR for .include and .incbin files (after the including file's directory
                                 and the current directory); may be repeated
              --defsym SYM=VAL   define an absolute symbol before assembling
              --show-encoding    print every instruction with its encoding, like llvm-mc -show-encoding
              --listing FILE     write a listing (source line, offset, bytes) to FILE
              -W, --no-warn      do not print warnings
              --help             print this help and exit
              --version          print the version and exit

            Directives: .text .data .bss .rodata .section .pushsection .popsection .previous .global/.globl .local
            .weak .hidden .type .size .byte .hword/.short/.2byte .word/.long/.int/.4byte .quad/.xword/.8byte .inst
            .ascii .asciz/.string .align/.p2align .balign .skip/.space .zero .fill .org .equ/.set/= .equiv
            .include .incbin .ltorg/.pool .macro/.endm/.exitm/.purgem .rept/.irp/.irpc/.endr .if/.ifdef/.ifndef/
            .ifeq/.ifne/.ifgt/.ifge/.iflt/.ifle/.ifb/.ifnb/.ifc/.ifnc/.else/.elseif/.endif .error .warning .print
            .end (.file .ident .loc .cfi_* .arch .cpu are accepted and ignored).
            Relocation operators: :lo12: :abs_g0: :abs_g0_nc: :abs_g1: :abs_g1_nc: :abs_g2: :abs_g2_nc: :abs_g3:
            :pg_hi21: :pg_hi21_nc: (adrp implies :pg_hi21:); ldr Xt, =value|symbol uses a literal pool.
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, java.io.InputStream stdin, PrintStream stdout, PrintStream stderr) {
        String output = null, listing = null;
        List<String> inputs = new ArrayList<>();
        boolean showEncoding = false, noWarn = false;
        SourceAssembler.Options options = new SourceAssembler.Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                switch (a) {
                    case "-o" -> output = value(args, ++i, a);
                    case "-I" -> options.include(Path.of(value(args, ++i, a)));
                    case "--defsym" -> defsym(options, value(args, ++i, a));
                    case "--show-encoding", "-show-encoding" -> showEncoding = true;
                    case "--listing" -> listing = value(args, ++i, a);
                    case "-W", "--no-warn" -> noWarn = true;
                    case "--help", "-h" -> {
                        stdout.print(USAGE);
                        return 0;
                    }
                    case "--version", "-v", "-V" -> {
                        stdout.println("capaz-as " + Tools.version() + " (CapazOS-J; AArch64 subset of GNU as)");
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-I") && a.length() > 2) options.include(Path.of(a.substring(2)));
                        else if (a.startsWith("-o") && a.length() > 2) output = a.substring(2);
                        else if (a.startsWith("--listing=")) listing = a.substring(10);
                        else if (a.startsWith("--defsym=")) defsym(options, a.substring(9));
                        else if (a.startsWith("-march=") || a.startsWith("-mcpu=") || a.equals("-g")
                                || a.equals("--fatal-warnings") || a.startsWith("-mabi=") || a.equals("-EL")) {
                            // accepted for compatibility: one target, no debug info
                        } else if (a.equals("-") || !a.startsWith("-")) {
                            inputs.add(a);
                        } else {
                            throw new UsageException("unknown option '" + a + "'");
                        }
                    }
                }
            } catch (UsageException e) {
                stderr.println("capaz-as: error: " + e.getMessage());
                stderr.println("Try 'capaz-as --help'.");
                return 1;
            }
        }
        if (inputs.isEmpty()) {
            stderr.println("capaz-as: error: no input file");
            stderr.println("Try 'capaz-as --help'.");
            return 1;
        }
        if (inputs.size() > 1 && inputs.contains("-")) {
            stderr.println("capaz-as: error: '-' (standard input) must be the only input");
            return 1;
        }
        options.recordInstructions(showEncoding).recordListing(listing != null);
        if (output == null && !showEncoding) output = "a.out";
        SourceAssembler.Result result;
        try {
            if (inputs.get(0).equals("-")) {
                String text = new String(stdin.readAllBytes(), StandardCharsets.ISO_8859_1);
                result = SourceAssembler.assemble(moduleName(output, "stdin"), "<stdin>", text, options);
            } else {
                List<Path> paths = new ArrayList<>();
                for (String input : inputs) {
                    Path in = Path.of(input);
                    if (!Files.isRegularFile(in)) {
                        stderr.println("capaz-as: error: cannot read '" + input + "': no such file");
                        deleteQuietly(output);
                        return 1;
                    }
                    paths.add(in);
                }
                result = SourceAssembler.assembleFiles(paths, options);
            }
        } catch (IOException e) {
            stderr.println("capaz-as: error: cannot read the input: " + describe(e));
            deleteQuietly(output);
            return 1;
        }
        StringBuilder diag = new StringBuilder();
        for (SourceError e : result.diagnostics()) if (e.isError() || !noWarn) diag.append(e.format());
        if (diag.length() > 0) {
            stderr.print(diag);
            stderr.flush();
        }
        if (!result.ok()) {
            deleteQuietly(output);
            deleteQuietly(listing);
            return 1;
        }
        try {
            if (showEncoding) printEncodings(result, stdout);
            if (listing != null) writeAtomically(Path.of(listing), listingText(result).getBytes(StandardCharsets.UTF_8));
            if (output != null) writeAtomically(Path.of(output), ElfRelocatableWriter.write(result.module()));
        } catch (IOException | RuntimeException e) {
            stderr.println("capaz-as: error: cannot write the output: " + describe(e));
            deleteQuietly(output);
            return 1;
        }
        return 0;
    }

    /**
     * Writes {@code bytes} to a file next to {@code target} with a name of its own, then renames it over the
     * target: readers never see half an object. (Like {@link AtomicFiles#write}, without its random temporary
     * name, whose secure random generator costs a small file's run more than assembling it.)
     */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        if (!Files.isDirectory(abs.getParent())) throw new java.nio.file.NoSuchFileException(abs.getParent().toString());
        // (a StringBuilder, not +: an invokedynamic concatenation of this shape costs a small file's run 15 ms)
        Path tmp = abs.resolveSibling(new StringBuilder().append('.').append(abs.getFileName()).append('.')
                .append(Long.toHexString(System.nanoTime())).append(".tmp").toString());
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** An I/O error as a sentence. */
    static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException n) return n.getFile() + ": no such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException d) return d.getFile() + ": permission denied";
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new UsageException("option '" + option + "' needs a value");
        return args[i];
    }

    private static void defsym(SourceAssembler.Options options, String s) {
        int eq = s.indexOf('=');
        if (eq <= 0) throw new UsageException("--defsym needs SYM=VALUE, not '" + s + "'");
        try {
            options.defsym(s.substring(0, eq), Tools.parseNumber(s.substring(eq + 1)));
        } catch (NumberFormatException e) {
            throw new UsageException("--defsym " + s + ": the value must be a number");
        }
    }

    private static String moduleName(String output, String fallback) {
        if (output == null) return fallback;
        return Path.of(output).getFileName().toString();
    }

    static void deleteQuietly(String file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(Path.of(file));
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /** {@code \tadd\tx0, x1, #0x10                // encoding: [0x20,0x40,0x00,0x91]}, one line per instruction. */
    static void printEncodings(SourceAssembler.Result result, PrintStream out) {
        Disassembler dis = new Disassembler();
        StringBuilder sb = new StringBuilder(result.instructions().size() * 64);
        for (SourceAssembler.Instruction i : result.instructions()) {
            String text = dis.disassemble(i.word(), i.offset());
            int sp = text.indexOf(' ');
            if (sp > 0) text = text.substring(0, sp) + '\t' + text.substring(sp + 1);
            sb.append('\t').append(text);
            int col = 8; // columns as a terminal shows them: tabs stop every 8
            for (int k = 0; k < text.length(); k++) col = text.charAt(k) == '\t' ? (col / 8 + 1) * 8 : col + 1;
            for (int k = col; k < 40; k++) sb.append(' ');
            if (col >= 40) sb.append(' ');
            int w = i.word();
            sb.append(String.format("// encoding: [0x%02x,0x%02x,0x%02x,0x%02x]", w & 0xff, (w >>> 8) & 0xff,
                    (w >>> 16) & 0xff, (w >>> 24) & 0xff));
            if (i.relocation() != null) sb.append(" reloc: ").append(i.relocation());
            sb.append('\n');
            if (sb.length() > 1 << 16) {
                out.print(sb);
                sb.setLength(0);
            }
        }
        out.print(sb);
        out.flush();
    }

    /** The listing: one line per source line, with the section offset and up to 8 bytes per row. */
    static String listingText(SourceAssembler.Result result) {
        StringBuilder sb = new StringBuilder();
        String section = null, file = null;
        for (SourceAssembler.ListingLine l : result.listing()) {
            if (!l.file().equals(file)) {
                sb.append("// file ").append(l.file()).append('\n');
                file = l.file();
            }
            if (l.section() != null && !l.section().equals(section) && l.size() > 0) {
                sb.append("// section ").append(l.section()).append('\n');
                section = l.section();
            }
            byte[] b = l.bytes();
            String prefix = String.format("%6d%s ", l.line(), l.depth() > 0 ? "+" : " ");
            if (l.size() == 0) {
                sb.append(prefix).append(" ".repeat(26)).append(l.source()).append('\n');
                continue;
            }
            for (int row = 0; row == 0 || row * 8 < b.length; row++) {
                sb.append(row == 0 ? prefix : " ".repeat(prefix.length()));
                sb.append(String.format("%04x ", l.offset() + row * 8));
                StringBuilder hex = new StringBuilder();
                if (b.length == 0) hex.append("<").append(l.size()).append(" bytes>");
                for (int k = row * 8; k < Math.min(b.length, row * 8 + 8); k++) hex.append(String.format("%02x", b[k]));
                sb.append(String.format("%-20s ", hex));
                if (row == 0) sb.append(l.source());
                sb.append('\n');
                if (row >= 3 && b.length > 32) {
                    sb.append(" ".repeat(prefix.length())).append("... (").append(b.length).append(" bytes)\n");
                    break;
                }
            }
        }
        return sb.toString();
    }

    /** A command-line mistake. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
