package org.capazos.harness;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where QEMU runs. */
public enum Backend {

    /** {@code qemu-system-aarch64} from this machine's PATH, as a child process. */
    LOCAL,

    /**
     * {@code qemu-system-aarch64} in a Docker container (Testcontainers), from an image built once
     * from the module's {@code src/main/docker/Dockerfile} and cached by Docker as
     * {@code capaz-qemu:<hash of the Dockerfile>}. {@code -Dcapaz.qemu.baseImage=IMAGE} replaces
     * its {@code FROM debian:bookworm-slim}. Machines run with network mode {@code none} ({@code host}
     * when they have a gdb port). Docker passes a container's output on line by line, so output
     * without a newline shows only when QEMU exits.
     */
    CONTAINER;

    /** The launcher of this backend (one shared, thread-safe instance per backend). */
    public QemuLauncher launcher() {
        return this == LOCAL ? LocalQemu.INSTANCE : ContainerQemu.defaultInstance();
    }

    /**
     * Whether this backend can run here: QEMU on the PATH, or a Docker engine that answers.
     * The Docker probe is made once per JVM.
     */
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** Why this backend cannot run here, in one line; empty if it can. */
    public Optional<String> unavailableReason() {
        return this == LOCAL ? LocalQemu.unavailableReason() : ContainerQemu.unavailableReason();
    }

    /** The backend named {@code local} or {@code container} (any case). */
    public static Backend parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown QEMU backend '" + name + "'; use "
                    + QemuLauncher.BACKEND_PROPERTY + "=auto, local or container");
        }
    }

    /** The backend {@code auto} picks: the container backend when Docker answers, else local QEMU. */
    static Optional<Backend> firstAvailable() {
        return Arrays.stream(new Backend[] {CONTAINER, LOCAL}).filter(Backend::isAvailable).findFirst();
    }

    /** The one line printed when no backend can run. */
    static String neitherAvailableMessage() {
        return "no " + LocalQemu.BINARY + " on PATH and no Docker engine; install qemu-system-arm or docker.io";
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
