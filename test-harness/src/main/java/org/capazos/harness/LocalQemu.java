package org.capazos.harness;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The {@link Backend#LOCAL} launcher: {@code qemu-system-aarch64} from the PATH as a child process. */
final class LocalQemu implements QemuLauncher {

    static final String BINARY = "qemu-system-aarch64";
    static final LocalQemu INSTANCE = new LocalQemu();

    private LocalQemu() {}

    @Override
    public Backend backend() {
        return Backend.LOCAL;
    }

    /** {@code qemu-system-aarch64} in a directory of the PATH, if there is one. */
    static Optional<Path> findBinary() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, BINARY);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> unavailableReason() {
        return findBinary().isPresent() ? Optional.empty()
                : Optional.of("no " + BINARY + " on PATH; install qemu-system-arm (apt-get install --no-install-recommends qemu-system-arm)");
    }

    @Override
    public RunningMachine boot(VirtMachine machine) {
        return start(machine, null);
    }

    @Override
    public int runInForeground(VirtMachine machine) {
        ProcessBuilder builder = new ProcessBuilder(command(machine)).inheritIO();
        Process qemu;
        try {
            qemu = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY, e);
        }
        Thread killOnExit = new Thread(qemu::destroyForcibly, "qemu-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        try {
            return qemu.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            qemu.destroyForcibly();
            return 130;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** Starts QEMU with both output streams read by daemon threads; {@code echo} also gets the serial bytes. */
    RunningMachine start(VirtMachine machine, OutputStream echo) {
        ProcessBuilder builder = new ProcessBuilder(command(machine));
        Process qemu;
        try {
            qemu = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY, e);
        }
        SerialLog serial = new SerialLog(echo);
        SerialLog messages = new SerialLog(null);
        Thread serialReader = pump(qemu.getInputStream(), serial, "qemu-serial-" + qemu.pid());
        Thread messageReader = pump(qemu.getErrorStream(), messages, "qemu-stderr-" + qemu.pid());
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        daemon("qemu-wait-" + qemu.pid(), () -> {
            try {
                int status = qemu.waitFor();
                joinQuietly(serialReader);
                joinQuietly(messageReader);
                exit.complete(status);
            } catch (InterruptedException e) {
                exit.completeExceptionally(e);
            }
        });
        return new RunningMachine("QEMU [local]", machine, serial, messages, exit, qemu::destroyForcibly);
    }

    private static List<String> command(VirtMachine machine) {
        Path binary = findBinary().orElseThrow(() -> new QemuUnavailableException(unavailableReason().orElseThrow()));
        for (Path file : machine.files()) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file for QEMU: " + file.toAbsolutePath());
            }
        }
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(machine.qemuArguments(file -> file.toAbsolutePath().toString()));
        return command;
    }

    private static Thread pump(InputStream in, SerialLog log, String name) {
        return daemon(name, () -> {
            byte[] buffer = new byte[4096];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    log.append(buffer, 0, n);
                }
            } catch (IOException closed) {
                // the process was killed; what was read is kept
            } finally {
                log.end();
            }
        });
    }

    /** Starts {@code body} on a new daemon thread (one per machine: they block for the machine's life). */
    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
