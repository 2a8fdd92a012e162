package org.capazos.kernel;

/**
 * Facts about QEMU's {@code virt} machine that the kernel needs before it has read the device tree.
 * Load and virtual addresses are not here: the link scripts in {@code linkscripts/} choose those.
 */
public final class Platform {
    /** PL011 UART physical address on QEMU virt: the early console until /chosen/stdout-path is parsed. */
    public static final long UART_EARLY_PA = 0x0900_0000L;

    private Platform() { }
}
