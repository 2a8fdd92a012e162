package org.capazos.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny AArch64 test kernels, written as raw images: print a message on the PL011 UART, then end
 * in one of several ways. Position-independent, so they run from wherever they are loaded.
 *
 * <p>Every instruction word below was checked with
 * {@code llvm-mc -triple=aarch64 -show-encoding} and {@code llvm-objdump -d}. Layout:
 * <pre>
 * 0x00  adr   x1, msg              ; 0x10000281
 * 0x04  movz  x2, #0x900, lsl #16  ; 0xd2a12002  x2 = 0x09000000, PL011 data register
 * 0x08  loop: ldrb w3, [x1], #1    ; 0x38401423
 * 0x0c  cbz   w3, end              ; 0x34000063
 * 0x10  strb  w3, [x2]             ; 0x39000043
 * 0x14  b     loop                 ; 0x17fffffd
 * 0x18  end:  (an {@link Ending}, then "b ." up to 0x40)
 * 0x40  block: .quad 0x20026, status   ; semihosting {ADP_Stopped_ApplicationExit, status}
 * 0x50  msg:   .asciz "..."
 * </pre>
 */
final class TestKernels {

    private static final int B_SELF = 0x14000000; // b .

    /** How a test kernel ends after printing. */
    enum Ending {
        /** PSCI SYSTEM_OFF through {@code hvc #0} (the conduit without EL2): QEMU exits with 0. */
        PSCI_OFF_HVC(0xd2b08000, 0xf2800100, 0xd4000002), // movz x0, #0x8400, lsl #16; movk x0, #8; hvc #0
        /** PSCI SYSTEM_OFF through {@code smc #0} (the conduit with virtualization=on). */
        PSCI_OFF_SMC(0xd2b08000, 0xf2800100, 0xd4000003), // ...; smc #0
        /** Semihosting SYS_EXIT_EXTENDED with the block at 0x40: QEMU exits with its status. */
        SEMIHOSTING_EXIT(0x10000141, 0x52800400, 0xd45e0000), // adr x1, block; mov w0, #0x20; hlt #0xf000
        /** Spin forever. */
        HANG();

        private final int[] words;

        Ending(int... words) {
            this.words = words;
        }
    }

    private TestKernels() {}

    /** A kernel that prints {@code message}, then ends as {@code ending} says (exit status for semihosting). */
    static byte[] image(String message, Ending ending, int exitStatus) {
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer image = ByteBuffer.allocate(0x50 + text.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        for (int word : new int[] {0x10000281, 0xd2a12002, 0x38401423, 0x34000063, 0x39000043, 0x17fffffd}) {
            image.putInt(word);
        }
        for (int word : ending.words) {
            image.putInt(word);
        }
        while (image.position() < 0x40) {
            image.putInt(B_SELF);
        }
        image.putLong(0x20026).putLong(exitStatus);
        image.put(text).put((byte) 0);
        return image.array();
    }

    /** Writes {@link #image} to {@code dir/name} and returns its path. */
    static Path write(Path dir, String name, String message, Ending ending, int exitStatus) {
        try {
            return Files.write(dir.resolve(name), image(message, ending, exitStatus));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, String message, Ending ending) {
        return write(dir, name, message, ending, 0);
    }
}
