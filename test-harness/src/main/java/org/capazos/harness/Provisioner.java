package org.capazos.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Installs what the tests and the run command need on a fresh Debian machine: when a tool is missing and this
 * process is root on a machine with {@code apt-get}, the Debian package is installed (one line says so);
 * anywhere else nothing is touched and the caller reports what to install. {@code -Dcapaz.provision=false}
 * turns it off.
 */
public final class Provisioner {
    private static final Set<String> TRIED = ConcurrentHashMap.newKeySet();
    private static volatile boolean updated;

    private Provisioner() { }

    /** True if {@code command} is on the PATH. */
    public static boolean onPath(String command) {
        return which(command).isPresent();
    }

    /** The path of {@code command} on the PATH. */
    public static Optional<Path> which(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** True if installing is allowed and possible here: root, apt-get, and not switched off. */
    public static boolean canInstall() {
        if ("false".equalsIgnoreCase(System.getProperty("capaz.provision", "true"))) return false;
        return aptGet().isPresent();
    }

    /**
     * Makes sure {@code command} is on the PATH, installing {@code debPackage} if it is missing and this
     * machine allows it (once per JVM and package).
     *
     * @return true if the command is there now
     */
    public static synchronized boolean ensure(String command, String debPackage) {
        if (onPath(command)) return true;
        if (!canInstall() || !TRIED.add(debPackage)) return onPath(command);
        System.err.println("provisioning: " + command + " is missing; installing Debian package " + debPackage);
        try {
            Path apt = aptGet().orElseThrow();
            if (!updated) {
                run(List.of(apt.toString(), "update", "-qq"));
                updated = true;
            }
            run(List.of(apt.toString(), "install", "-y", "-qq", "--no-install-recommends", debPackage));
        } catch (IOException e) {
            System.err.println("provisioning: installing " + debPackage + " failed: " + e.getMessage());
        }
        return onPath(command);
    }

    /** {@code apt-get}, if this process runs as root on a machine that has it. */
    static Optional<Path> aptGet() {
        try {
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) return Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Stream.of("/usr/bin/apt-get", "/bin/apt-get").map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private static void run(List<String> command) throws IOException {
        Path log = Files.createTempFile("capaz-provision-", ".log");
        ProcessBuilder b = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = b.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0)
                throw new IOException(String.join(" ", command) + " failed (log: " + log + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
