package org.capazos.harness.emu;

/**
 * A routine run in the {@link Emulator} did something it must not: touched memory outside what was mapped for
 * it (or outside an exact buffer), wrote read-only memory, took an exception, ran an undefined instruction, ran
 * past the instruction limit or broke the AAPCS64 contract. The message names the PC, the address, the access
 * kind and the nearest symbol, e.g.
 * {@code read of 4 bytes at 0x80001000 (past the end of buffer "dtb" [0x80000000, 0x80001000)) by pc
 * 0x40000a1c <fdt_parse+0x9c>: ldr w9, [x19, x10]}.
 */
public final class EmulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of event stopped the routine. */
    public enum Kind {
        /** A data read that was not allowed (unmapped, or outside an exact buffer). */
        READ,
        /** A data write that was not allowed (unmapped, read-only, or outside an exact buffer). */
        WRITE,
        /** An instruction fetch from unmapped or non-executable memory. */
        FETCH,
        /** An exception (svc, hvc, smc, brk, undefined instruction...). */
        EXCEPTION,
        /** The instruction limit was reached (an endless loop?). */
        LIMIT,
        /** The routine returned but broke AAPCS64 (callee-saved register or sp not restored). */
        ABI
    }

    private final Kind kind;
    private final long pc;
    private final long address;

    EmulatorException(Kind kind, long pc, long address, String message) {
        super(message);
        this.kind = kind;
        this.pc = pc;
        this.address = address;
    }

    public Kind kind() {
        return kind;
    }

    /** The address of the instruction that did it (for a fetch fault: the address fetched from). */
    public long pc() {
        return pc;
    }

    /** The data address accessed (READ/WRITE/FETCH), or 0. */
    public long address() {
        return address;
    }
}
