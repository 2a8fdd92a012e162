package org.capazos.harness;

/** A QEMU backend cannot run here; the message says what is missing and how to get it. */
public class QemuUnavailableException extends RuntimeException {

    /** @param message what is missing, in one line */
    public QemuUnavailableException(String message) {
        super(message);
    }

    /** @param message what is missing, in one line; {@code cause} has the details */
    public QemuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
