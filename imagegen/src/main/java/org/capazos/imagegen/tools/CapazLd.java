package org.capazos.imagegen.tools;

import org.capazos.dsl.module.Module;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.elf.ElfExecutableWriter;
import org.capazos.imagegen.elf.ElfObjectReader;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.Linker;
import org.capazos.imagegen.out.FlatBinary;
import org.capazos.imagegen.out.MapWriter;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.Parser;
import org.capazos.imagegen.script.SourceLocation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code capaz-ld}: the image generator's {@link Linker} behind the usual GNU ld flags. Reads ELF64 relocatable
 * objects (from capaz-as, llvm-mc, clang or GNU as), links them as the {@code -T} script says and writes an ELF
 * executable or a flat binary, and optionally a link map. Errors name the script's {@code file:line:column} or
 * the object and symbol; then the exit status is 1 and no output file is left.
 */
public final class CapazLd {
    private CapazLd() { }

    static final String USAGE = """
            Usage: capaz-ld -T script.ld [options] file.o...
            Links AArch64 ELF64 relocatable objects as a GNU-ld-style link script says.

            Options:
              -T FILE, --script=FILE   the link script (required)
              -o FILE                  write the output to FILE (default: a.out)
              -Map FILE, -Map=FILE     write a link map to FILE
              --oformat binary         write a flat binary (the loadable bytes from the lowest load address)
              --oformat elf64-littleaarch64   write an ELF executable (the default)
              -e SYMBOL, --entry=SYMBOL       the entry point (overrides the script's ENTRY)
              --defsym SYM=VALUE       define an absolute symbol (decimal, 0x hex, 0 octal, K/M suffix)
              --no-relax, -static, -nostdlib, --gc-sections=no, -EL   accepted (this linker never relaxes)
              --help, --version
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        String script = null, output = "a.out", map = null, entry = null, format = "elf";
        Map<String, Long> defsyms = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-T", "--script" -> script = value(args, ++i, a);
                    case "-o", "--output" -> output = value(args, ++i, a);
                    case "-Map", "--Map", "-M" -> map = value(args, ++i, a);
                    case "--oformat", "-oformat" -> format = format(value(args, ++i, a));
                    case "-e", "--entry" -> entry = value(args, ++i, a);
                    case "--defsym" -> defsym(defsyms, value(args, ++i, a));
                    case "--no-relax", "-static", "--static", "-nostdlib", "-EL", "--gc-sections=no",
                            "--no-gc-sections", "-n", "-N", "--build-id=none", "-z", "--fatal-warnings" -> {
                        if (a.equals("-z")) value(args, ++i, a); // -z max-page-size=... and such: ignored
                    }
                    case "--help", "-h" -> {
                        stdout.print(USAGE);
                        return 0;
                    }
                    case "--version", "-v", "-V" -> {
                        stdout.println("capaz-ld " + Tools.version() + " (CapazOS-J; GNU-ld-style link scripts)");
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("--script=")) script = a.substring(9);
                        else if (a.startsWith("-T") && a.length() > 2) script = a.substring(2);
                        else if (a.startsWith("-o") && a.length() > 2) output = a.substring(2);
                        else if (a.startsWith("-Map=") || a.startsWith("--Map=")) map = a.substring(a.indexOf('=') + 1);
                        else if (a.startsWith("--oformat=")) format = format(a.substring(10));
                        else if (a.startsWith("--entry=")) entry = a.substring(8);
                        else if (a.startsWith("--defsym=")) defsym(defsyms, a.substring(9));
                        else if (a.startsWith("-z") || a.startsWith("-m")) { } // emulation and -z keywords: ignored
                        else if (a.startsWith("-")) throw new CapazAs.UsageException("unknown option '" + a + "'");
                        else inputs.add(a);
                    }
                }
            }
            if (script == null) throw new CapazAs.UsageException("no link script: give one with -T script.ld");
            if (inputs.isEmpty()) throw new CapazAs.UsageException("no input files");
        } catch (CapazAs.UsageException e) {
            stderr.println("capaz-ld: error: " + e.getMessage());
            stderr.println("Try 'capaz-ld --help'.");
            return 1;
        }
        try {
            LinkScript ls = Parser.parse(Path.of(script));
            if (entry != null) ls = withEntry(ls, entry, new SourceLocation("<command line -e>", 1, 1));
            List<Module> modules = new ArrayList<>();
            for (String in : inputs) {
                Path p = Path.of(in);
                if (!Files.isRegularFile(p)) throw new LinkException(in + ": no such file");
                modules.add(ElfObjectReader.read(p));
            }
            String name = Path.of(output).getFileName().toString().replaceFirst("\\.[^.]*$", "");
            LinkedImage image = new Linker(ls).defsyms(defsyms).link(name, modules);
            byte[] bytes = format.equals("binary") ? FlatBinary.of(image) : ElfExecutableWriter.write(image);
            if (map != null) CapazAs.writeAtomically(Path.of(map), MapWriter.write(image, script).getBytes(StandardCharsets.UTF_8));
            CapazAs.writeAtomically(Path.of(output), bytes);
            return 0;
        } catch (LinkException e) {
            stderr.println("capaz-ld: error: " + e.getMessage());
        } catch (IOException e) {
            stderr.println("capaz-ld: error: " + CapazAs.describe(e));
        } catch (RuntimeException e) {
            stderr.println("capaz-ld: error: " + e.getMessage());
        }
        CapazAs.deleteQuietly(output);
        CapazAs.deleteQuietly(map);
        return 1;
    }

    /** The script with its ENTRY replaced (ld's -e): a copy of the record with entry and entryAt changed. */
    static LinkScript withEntry(LinkScript script, String entry, SourceLocation at) {
        try {
            java.lang.reflect.RecordComponent[] rc = LinkScript.class.getRecordComponents();
            Object[] values = new Object[rc.length];
            Class<?>[] types = new Class<?>[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                values[i] = switch (rc[i].getName()) {
                    case "entry" -> entry;
                    case "entryAt" -> at;
                    default -> rc[i].getAccessor().invoke(script);
                };
            }
            return LinkScript.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set the entry point: " + e, e);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new CapazAs.UsageException("option '" + option + "' needs a value");
        return args[i];
    }

    private static String format(String f) {
        return switch (f) {
            case "binary" -> "binary";
            case "elf", "elf64-littleaarch64", "elf64-aarch64" -> "elf";
            default -> throw new CapazAs.UsageException("unsupported output format '" + f + "' (binary or "
                    + "elf64-littleaarch64)");
        };
    }

    private static void defsym(Map<String, Long> defsyms, String s) {
        int eq = s.indexOf('=');
        if (eq <= 0) throw new CapazAs.UsageException("--defsym needs SYM=VALUE, not '" + s + "'");
        try {
            defsyms.put(s.substring(0, eq).strip(), Tools.parseNumber(s.substring(eq + 1)));
        } catch (NumberFormatException e) {
            throw new CapazAs.UsageException("--defsym " + s + ": the value must be a number");
        }
    }
}
