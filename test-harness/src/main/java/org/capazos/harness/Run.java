package org.capazos.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Boots a kernel image in QEMU for a person, with the serial console on the terminal.
 *
 * <pre>
 * java org.capazos.harness.Run [run|debug] [IMAGE] [--cpu=NAME] [--memory=SIZE] [--smp=N] [--machine=OPTIONS]
 * </pre>
 *
 * <ul>
 *   <li>{@code run} (default): boot {@code IMAGE} (default {@code build/kernel.img} under the
 *       root directory, system property {@code capaz.root}, default the current directory) until
 *       QEMU exits or Ctrl-C; the exit status is QEMU's.</li>
 *   <li>{@code debug}, or {@code run} with environment variable {@code DEBUG_PORT} set: QEMU
 *       waits for gdb ({@code -S -gdb tcp::PORT}, port {@code DEBUG_PORT} or 1234) and the gdb
 *       command line is printed, with the {@code .elf} files found next to the image.</li>
 * </ul>
 *
 * <p>Options may also be given as system properties {@code capaz.qemu.cpu}, {@code capaz.qemu.memory},
 * {@code capaz.qemu.smp} and {@code capaz.qemu.machine} (options appended to {@code -M virt},
 * e.g. {@code virtualization=on,gic-version=3}); the backend is chosen by {@code capaz.qemu}
 * as in {@link QemuLauncher#select()}. Semihosting is enabled, so a kernel may exit QEMU with a status.
 *
 * <p>If neither backend can run and this is root on a machine with {@code apt-get}, QEMU is
 * installed first; otherwise one line says what to install and the exit status is 2.
 */
public final class Run {

    /** Exit status when QEMU cannot be started at all. */
    static final int CANNOT_RUN = 2;
    private static final int DEFAULT_GDB_PORT = 1234;

    private Run() {}

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs as {@link #main} does and returns the exit status instead of exiting. */
    public static int run(String[] args) {
        String mode = "run";
        Path root = Path.of(System.getProperty("capaz.root", "."));
        Path image = null;
        String cpu = System.getProperty("capaz.qemu.cpu");
        String memory = System.getProperty("capaz.qemu.memory");
        String smp = System.getProperty("capaz.qemu.smp");
        String machine = System.getProperty("capaz.qemu.machine");
        for (String arg : args) {
            if (arg.equals("run") || arg.equals("debug")) {
                mode = arg;
            } else if (arg.startsWith("--cpu=")) {
                cpu = value(arg);
            } else if (arg.startsWith("--memory=")) {
                memory = value(arg);
            } else if (arg.startsWith("--smp=")) {
                smp = value(arg);
            } else if (arg.startsWith("--machine=")) {
                machine = value(arg);
            } else if (arg.startsWith("-")) {
                System.err.println("unknown option " + arg + "; usage: Run [run|debug] [IMAGE]"
                        + " [--cpu=NAME] [--memory=SIZE] [--smp=N] [--machine=OPTIONS]");
                return CANNOT_RUN;
            } else {
                image = Path.of(arg);
            }
        }
        image = image == null ? root.resolve("build/kernel.img") : image;
        if (!Files.isRegularFile(image)) {
            System.err.println("Run: no kernel image at " + image.toAbsolutePath() + " (build it first, or pass IMAGE)");
            return CANNOT_RUN;
        }

        VirtMachine.Builder config = VirtMachine.builder().kernel(image).semihosting(true).timeout(java.time.Duration.ZERO);
        if (cpu != null) {
            config.cpu(cpu);
        }
        if (memory != null) {
            config.memory(memory);
        }
        if (smp != null) {
            config.smp(Integer.parseInt(smp));
        }
        if (machine != null && !machine.isBlank()) {
            config.machineOption(machine);
        }
        String debugPort = System.getenv("DEBUG_PORT");
        if (mode.equals("debug") || debugPort != null && !debugPort.isBlank()) {
            int port = debugPort == null || debugPort.isBlank() ? DEFAULT_GDB_PORT : Integer.parseInt(debugPort.strip());
            config.gdbPort(port).haltAtStart(true);
            System.out.println("QEMU waits for gdb on port " + port + "; in another terminal run:");
            System.out.println("  " + gdbCommand(image, port));
        }

        QemuLauncher launcher;
        try {
            launcher = chooseLauncher();
        } catch (QemuUnavailableException e) {
            System.err.println("Run: " + e.getMessage());
            return CANNOT_RUN;
        }
        try {
            return launcher.runInForeground(config.build());
        } catch (QemuUnavailableException | IllegalArgumentException e) {
            System.err.println("Run: " + e.getMessage());
            return CANNOT_RUN;
        }
    }

    private static String value(String option) {
        return option.substring(option.indexOf('=') + 1);
    }

    /** The selected backend; when none can run, installs QEMU with apt-get if this is root. */
    private static QemuLauncher chooseLauncher() {
        String choice = System.getProperty(QemuLauncher.BACKEND_PROPERTY, "auto").toLowerCase(Locale.ROOT);
        boolean automatic = choice.isBlank() || choice.equals("auto") || choice.equals("all");
        if (automatic && Backend.firstAvailable().isEmpty()) Provisioner.ensure(LocalQemu.BINARY, "qemu-system-arm");
        QemuLauncher launcher = QemuLauncher.select();
        launcher.backend().unavailableReason().ifPresent(problem -> {
            throw new QemuUnavailableException(problem);
        });
        return launcher;
    }


    /**
     * The gdb command that attaches to the machine: the first {@code .elf} file next to the image
     * ({@code boot.elf} first) is loaded, the others are added with {@code add-symbol-file}.
     */
    static String gdbCommand(Path image, int port) {
        List<Path> elves = new ArrayList<>();
        Path dir = image.toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".elf"))
                    .sorted(Comparator.comparing((Path p) -> !p.getFileName().toString().equals("boot.elf"))
                            .thenComparing(p -> p.getFileName().toString()))
                    .forEach(elves::add);
        } catch (IOException e) {
            // no symbol files then
        }
        StringBuilder command = new StringBuilder("gdb-multiarch");
        if (!elves.isEmpty()) {
            command.append(' ').append(shown(elves.get(0)));
        }
        command.append(" -ex 'target remote :").append(port).append('\'');
        for (Path symbols : elves.subList(Math.min(1, elves.size()), elves.size())) {
            command.append(" -ex 'add-symbol-file ").append(shown(symbols)).append('\'');
        }
        return command.toString();
    }

    /** {@code path} relative to the current directory when it lies under it. */
    private static String shown(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
    }
}
