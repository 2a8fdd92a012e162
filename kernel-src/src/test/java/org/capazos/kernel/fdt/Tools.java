package org.capazos.kernel.fdt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The host tools the tests use when they are installed: {@code dtc} and {@code qemu-system-aarch64}. */
final class Tools {
    private Tools() { }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator))
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    /** Compiles device tree source with {@code dtc -I dts -O dtb} (plus {@code options}). */
    static byte[] dtc(String dts, String... options) {
        List<String> cmd = new ArrayList<>(List.of("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-"));
        cmd.addAll(List.of(options));
        cmd.add("-");
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().write(dts.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
                throw new IllegalStateException("dtc failed: " + err + "\n" + dts);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("dtc: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * QEMU virt's device tree, as {@code qemu-system-aarch64 -M virt,dumpdtb=FILE -cpu cortex-a72 -m MEMORY
     * -smp SMP -nographic -nic none} dumps it.
     */
    static byte[] qemuVirtDtb(String memory, int smp) {
        try {
            Path dir = Files.createTempDirectory("capaz-dtb");
            Path file = dir.resolve("virt.dtb");
            Process p = new ProcessBuilder("qemu-system-aarch64", "-M", "virt,dumpdtb=" + file, "-cpu", "cortex-a72",
                    "-m", memory, "-smp", Integer.toString(smp), "-nographic", "-nic", "none",
                    "-monitor", "none", "-serial", "none")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || !Files.exists(file))
                throw new IllegalStateException("qemu dumpdtb failed: " + log);
            byte[] blob = Files.readAllBytes(file);
            Files.delete(file);
            Files.delete(dir);
            return blob;
        } catch (IOException e) {
            throw new IllegalStateException("qemu: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
