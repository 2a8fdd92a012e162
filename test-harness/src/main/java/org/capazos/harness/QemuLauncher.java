package org.capazos.harness;

/**
 * Starts QEMU for a {@link VirtMachine}. Implementations are thread-safe: machines may boot in parallel.
 *
 * <p>Two backends exist ({@link Backend}): QEMU on this machine's PATH, or QEMU inside a Docker
 * container built from the module's Dockerfile. Both behave the same; pick one with
 * {@code -Dcapaz.qemu=auto|local|container} (see {@link #select()}).
 */
public interface QemuLauncher {

    /** The system property that chooses the backend: {@code auto} (default), {@code local} or {@code container}. */
    String BACKEND_PROPERTY = "capaz.qemu";

    /** Which backend this is. */
    Backend backend();

    /**
     * Starts QEMU in the background with its serial console captured.
     *
     * @throws QemuUnavailableException if this backend cannot run here (no QEMU binary, no Docker
     *     engine, the image does not build); the message says what is missing
     * @throws IllegalArgumentException if a file the machine loads does not exist
     */
    RunningMachine boot(VirtMachine machine);

    /**
     * Runs QEMU in the foreground for a person: the serial console is this process's terminal
     * (the local backend also passes keyboard input; the container backend only shows output)
     * until QEMU exits or the JVM is interrupted (Ctrl-C).
     *
     * @return QEMU's exit status
     */
    int runInForeground(VirtMachine machine);

    /**
     * The launcher chosen by {@code -Dcapaz.qemu}: {@code local}, {@code container}, or {@code auto}
     * (the default: the container backend when a Docker engine answers, else local QEMU). A backend
     * that is named explicitly is returned even when it cannot run; its {@link #boot} then says why.
     * The values that {@link QemuExtension} also accepts count here as: {@code all} like
     * {@code auto}, a list like {@code local,container} as its first backend.
     *
     * @throws QemuUnavailableException in {@code auto} mode when neither backend can run
     * @throws IllegalArgumentException if the property has another value
     */
    static QemuLauncher select() {
        String choice = System.getProperty(BACKEND_PROPERTY, "auto").strip().toLowerCase(java.util.Locale.ROOT);
        if (choice.equals("auto") || choice.equals("all") || choice.isEmpty()) {
            return Backend.firstAvailable()
                    .orElseThrow(() -> new QemuUnavailableException(Backend.neitherAvailableMessage()))
                    .launcher();
        }
        return Backend.parse(choice.split(",")[0]).launcher();
    }
}
