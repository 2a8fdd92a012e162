package org.capazos.dsl.isa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs llvm-mc over many lines at once: one instruction per line, {@code -show-encoding}, then matches the
 * printed encodings back to the lines (a line llvm-mc rejects prints an error naming its line number, and no
 * encoding).
 */
public final class LlvmMc {
    /** The llvm-mc binary: {@code -Dllvm.mc=...}, else /usr/bin/llvm-mc. */
    public static final String BINARY = System.getProperty("llvm.mc", "/usr/bin/llvm-mc");
    public static final List<String> ARGS = List.of("-triple=aarch64", "-mattr=+v8.2a,+lse", "-show-encoding");

    private LlvmMc() { }

    public static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** What llvm-mc made of one line: the 4 bytes as a little-endian word, or its error message. */
    public record Result(Integer word, String error) {
        public boolean ok() {
            return word != null;
        }
    }

    private static final Pattern ENCODING = Pattern.compile("encoding: \\[([^\\]]*)\\]");
    private static final Pattern DIAG = Pattern.compile("^[^:]*:(\\d+):\\d+: (error|warning): (.*)$");

    /** Assembles {@code lines} (one instruction each) in one llvm-mc run. */
    public static List<Result> assemble(List<String> lines) {
        try {
            Path in = Files.createTempFile("sweep", ".s");
            try {
                Files.write(in, lines, StandardCharsets.UTF_8);
                List<String> cmd = new ArrayList<>();
                cmd.add(BINARY);
                cmd.addAll(ARGS);
                cmd.add(in.toString());
                Process p = new ProcessBuilder(cmd).start();
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
                String out = read(p.getInputStream());
                String stderr = err.join();
                p.waitFor();
                return match(lines.size(), out, stderr);
            } finally {
                Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Assembles {@code source} into an object file ({@code -filetype=obj}, so labels are resolved as a linker-free
     * assembler resolves them) and returns the contents of its sections by name.
     */
    public static Map<String, byte[]> objectSections(String source) {
        try {
            Path in = Files.createTempFile("sweep", ".s"), out = Files.createTempFile("sweep", ".o");
            try {
                Files.writeString(in, source);
                List<String> cmd = new ArrayList<>(List.of(BINARY, "-triple=aarch64", "-mattr=+v8.2a,+lse",
                        "-filetype=obj", "-o", out.toString(), in.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String msg = read(p.getInputStream());
                if (p.waitFor() != 0) throw new IllegalStateException("llvm-mc failed:\n" + msg);
                return elfSections(Files.readAllBytes(out));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sections of a little-endian ELF64 file, by name (SHT_NOBITS ones are empty). */
    static Map<String, byte[]> elfSections(byte[] elf) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) b.getLong(0x28), shentsize = b.getShort(0x3a), shnum = b.getShort(0x3c),
                shstrndx = b.getShort(0x3e);
        int strOff = (int) b.getLong(shoff + shstrndx * shentsize + 24);
        Map<String, byte[]> out = new HashMap<>();
        for (int k = 0; k < shnum; k++) {
            int h = shoff + k * shentsize;
            int name = b.getInt(h), type = b.getInt(h + 4);
            int off = (int) b.getLong(h + 24), size = (int) b.getLong(h + 32);
            int end = strOff + name;
            while (elf[end] != 0) end++;
            String n = new String(elf, strOff + name, end - strOff - name, StandardCharsets.US_ASCII);
            out.put(n, type == 8 ? new byte[0] : java.util.Arrays.copyOfRange(elf, off, off + size));
        }
        return out;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Result> match(int n, String stdout, String stderr) {
        Map<Integer, String> errors = new HashMap<>();
        for (String l : stderr.split("\n")) {
            Matcher m = DIAG.matcher(l);
            if (m.matches() && m.group(2).equals("error")) errors.merge(Integer.parseInt(m.group(1)), m.group(3), (a, b) -> a);
        }
        List<int[]> encodings = new ArrayList<>();
        for (String l : stdout.split("\n")) {
            Matcher m = ENCODING.matcher(l);
            if (!m.find()) continue;
            String[] bytes = m.group(1).split(",");
            int[] e = new int[bytes.length];
            for (int k = 0; k < bytes.length; k++) {
                String b = bytes[k].strip();
                e[k] = b.startsWith("0x") ? Integer.parseInt(b.substring(2), 16) : -1; // a fixup ('A') is -1
            }
            encodings.add(e);
        }
        List<Result> results = new ArrayList<>(n);
        int next = 0;
        for (int line = 1; line <= n; line++) {
            String e = errors.get(line);
            if (e != null) {
                results.add(new Result(null, e));
                continue;
            }
            if (next >= encodings.size()) {
                results.add(new Result(null, "no encoding printed"));
                continue;
            }
            int[] b = encodings.get(next++);
            if (b.length != 4 || b[0] < 0 || b[1] < 0 || b[2] < 0 || b[3] < 0) {
                results.add(new Result(null, "not a plain 4-byte encoding"));
                continue;
            }
            results.add(new Result(b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24, null));
        }
        if (next != encodings.size())
            throw new IllegalStateException("llvm-mc printed " + encodings.size() + " encodings for " + n + " lines ("
                    + errors.size() + " rejected): cannot match them up");
        return results;
    }
}
