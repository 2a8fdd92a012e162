package org.capazos.harness;

import static org.capazos.harness.TestKernels.Ending.PSCI_OFF_HVC;
import static org.capazos.harness.TestKernels.Ending.SEMIHOSTING_EXIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Run}, the command for people, started as its own JVM like a person would. */
class RunTest {

    @TempDir
    Path dir;

    @QemuTest
    void runBootsBuildKernelImgUnderTheRootAndReturnsItsExitStatus(QemuLauncher qemu) throws Exception {
        Files.createDirectories(dir.resolve("build"));
        TestKernels.write(dir.resolve("build"), "kernel.img", "hello from Run\n", SEMIHOSTING_EXIT, 7);
        Process run = startRun(List.of(), Map.of(), qemu.backend(), "-Dcapaz.root=" + dir, "run");
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "Run finished");
        assertEquals(7, run.exitValue(), stderr());
        assertTrue(stdout().contains("hello from Run\n"), stdout());
    }

    @QemuTest
    void debugWaitsForGdbAndPrintsTheGdbCommand(QemuLauncher qemu) throws Exception {
        Path build = Files.createDirectories(dir.resolve("build"));
        Path image = TestKernels.write(build, "kernel.img", "running under gdb\n", PSCI_OFF_HVC);
        Files.write(build.resolve("kernel.elf"), new byte[0]);
        Files.write(build.resolve("boot.elf"), new byte[0]);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process run = startRun(List.of(), Map.of("DEBUG_PORT", Integer.toString(port)), qemu.backend(),
                "run", image.toString());
        try {
            String gdbLine = "gdb-multiarch " + build.resolve("boot.elf") + " -ex 'target remote :" + port
                    + "' -ex 'add-symbol-file " + build.resolve("kernel.elf") + "'";
            awaitOutput(gdbLine, Duration.ofSeconds(30));
            Thread.sleep(1000);
            assertTrue(!stdout().contains("running under gdb"), "halted at start: " + stdout());
            try (Socket gdb = connect(port)) {
                OutputStream out = gdb.getOutputStream();
                out.write("$c#63".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertTrue(run.waitFor(60, TimeUnit.SECONDS), "Run finished");
            }
            assertEquals(0, run.exitValue(), stderr());
            assertTrue(stdout().contains("running under gdb\n"), stdout());
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void missingLocalQemuStopsWithOneLineAndStatus2() throws Exception {
        Path image = TestKernels.write(dir, "k.img", "x\n", PSCI_OFF_HVC);
        Process run = startRun(List.of(), Map.of("PATH", dir.toString()), Backend.LOCAL, "run", image.toString());
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, run.exitValue());
        assertEquals("Run: no qemu-system-aarch64 on PATH; install qemu-system-arm"
                + " (apt-get install --no-install-recommends qemu-system-arm)\n", stderr());
    }

    @Test
    void missingDockerEngineStopsWithOneLineAndStatus2() throws Exception {
        // Hide this machine's Docker socket from the child: a private mount namespace (needs root).
        List<String> hideDocker = new ArrayList<>();
        if (Files.exists(Path.of("/var/run/docker.sock"))) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && isRoot(),
                    "needs root and unshare to hide /var/run/docker.sock");
            hideDocker = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount --bind /dev/null /var/run/docker.sock && exec \"$@\"", "sh");
        }
        Path image = TestKernels.write(dir, "k.img", "x\n", PSCI_OFF_HVC);
        Process run = startRun(hideDocker, Map.of("DOCKER_HOST", ""), Backend.CONTAINER,
                "-Duser.home=" + dir, "run", image.toString());
        assertTrue(run.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, run.exitValue(), stderr());
        String line = stderr();
        assertTrue(line.startsWith("Run: no Docker engine answers (") && line.endsWith(
                "); install docker.io and start dockerd (CI: .ci/docker-setup.sh)\n"), line);
        assertEquals(1, line.lines().count(), line);
    }

    @Test
    void gdbCommandLoadsBootElfAndAddsTheOtherSymbolFiles() throws IOException {
        Path image = TestKernels.write(dir, "kernel.img", "x\n", PSCI_OFF_HVC);
        assertEquals("gdb-multiarch -ex 'target remote :1234'", Run.gdbCommand(image, 1234));
        Files.write(dir.resolve("kernel.elf"), new byte[0]);
        assertEquals("gdb-multiarch " + dir.resolve("kernel.elf") + " -ex 'target remote :1234'",
                Run.gdbCommand(image, 1234));
        Files.write(dir.resolve("boot.elf"), new byte[0]);
        assertEquals("gdb-multiarch " + dir.resolve("boot.elf") + " -ex 'target remote :4321' -ex 'add-symbol-file "
                + dir.resolve("kernel.elf") + "'", Run.gdbCommand(image, 4321));
    }

    // ---- a child JVM running Run ----------------------------------------------------------------

    private Process startRun(List<String> prefix, Map<String, String> env, Backend backend, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-D" + QemuLauncher.BACKEND_PROPERTY + "=" + backend);
        List<String> runArgs = new ArrayList<>();
        for (String arg : args) {
            (arg.startsWith("-D") ? command : runArgs).add(arg);
        }
        command.add(Run.class.getName());
        command.addAll(runArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        env.forEach((key, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        return builder.start();
    }

    private String stdout() throws IOException {
        return Files.readString(dir.resolve("stdout"));
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr"));
    }

    private void awaitOutput(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in Run's output:\n" + stdout() + "\nstderr:\n" + stderr());
            }
            Thread.sleep(100);
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Socket connect(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return new Socket("localhost", port);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }
}
