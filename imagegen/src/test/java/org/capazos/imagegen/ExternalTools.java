package org.capazos.imagegen;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The LLVM and GNU tools the tests compare with: found on PATH, run with a timeout. */
public final class ExternalTools {
    private ExternalTools() { }

    /** What a tool printed. */
    public record Run(int exit, String out, String err) {
        public Run ok(List<String> cmd) {
            if (exit != 0) throw new AssertionError(String.join(" ", cmd) + " failed (" + exit + "):\n" + err + out);
            return this;
        }
    }

    /** The first of {@code names} found on PATH. */
    public static Optional<Path> find(String... names) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String n : names)
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, n);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        return Optional.empty();
    }

    public static Optional<Path> llvmMc() {
        return find("llvm-mc-14", "llvm-mc");
    }

    public static Optional<Path> lld() {
        return find("ld.lld-14", "ld.lld");
    }

    public static Optional<Path> readelf() {
        return find("llvm-readelf-14", "llvm-readelf");
    }

    public static Optional<Path> gdb() {
        return find("gdb-multiarch");
    }

    /** Runs {@code cmd} in {@code dir} and returns its exit code and output. */
    public static Run run(Path dir, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Path out = Files.createTempFile("tool", ".out"), err = Files.createTempFile("tool", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new File("/dev/null")));
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** Assembles {@code source} with {@code llvm-mc -filetype=obj -triple=aarch64} into {@code dir/name}. */
    public static Path assemble(Path dir, String name, String source) throws IOException {
        Path s = dir.resolve(name.replaceAll("\\.o$", "") + ".s");
        Files.writeString(s, source);
        Path o = dir.resolve(name);
        List<String> cmd = List.of(llvmMc().orElseThrow().toString(), "-filetype=obj", "-triple=aarch64",
                s.toString(), "-o", o.toString());
        run(dir, cmd).ok(cmd);
        return o;
    }

    /** Links {@code objects} with ld.lld {@code --no-relax -T script}; returns the output path. */
    public static Path lldLink(Path dir, Path script, List<Path> objects, String output, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(lld().orElseThrow().toString(), "--no-relax", "-static", "-T",
                script.toString(), "-o", dir.resolve(output).toString()));
        cmd.addAll(List.of(extra));
        for (Path o : objects) cmd.add(o.toString());
        run(dir, cmd).ok(cmd);
        return dir.resolve(output);
    }
}
