package org.capazos.examples.routine;

import org.capazos.harness.emu.Emulator;
import org.capazos.harness.emu.EmulatorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The crc32 routine, called like a C function in the in-process emulator and checked against
 * java.util.zip.CRC32: no QEMU, no kernel, milliseconds per test, and exact instruction counts.
 */
class Crc32Test {
    private static final long BUF = 0x5000_0000L;
    private static Emulator emu;

    @BeforeAll
    static void load() {
        emu = Emulator.link(List.of(Crc32.build()), 0x4008_0000L);
    }

    @AfterAll
    static void close() {
        emu.close();
    }

    private static long crcOf(byte[] data) {
        if (data.length == 0) return emu.call("crc32", BUF, 0) & 0xffff_ffffL;  // nothing to map: nothing may be read
        emu.mapExact("buf", BUF, data, false);           // the routine may read these bytes and no others
        try {
            return emu.call("crc32", BUF, data.length) & 0xffff_ffffL;
        } finally {
            emu.unmapExact("buf");
        }
    }

    @Test
    void matchesJavaOnKnownAndRandomInputs() {
        assertEquals(0xcbf4_3926L, crcOf("123456789".getBytes()), "the standard check value");
        Random r = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[r.nextInt(300)];
            r.nextBytes(data);
            CRC32 expected = new CRC32();
            expected.update(data);
            assertEquals(expected.getValue(), crcOf(data), "length " + data.length);
        }
    }

    @Test
    void costsTheSameNumberOfInstructionsForEveryByte() {
        long[] cost = new long[4];
        for (int k = 1; k <= 3; k++) {
            crcOf(new byte[100 * k]);
            cost[k] = emu.instructionsExecuted();
        }
        long perByte = (cost[2] - cost[1]) / 100;
        assertEquals(cost[2] - cost[1], cost[3] - cost[2], "linear in the length, whatever the data");
        System.out.println("crc32: " + perByte + " instructions per byte, " + (cost[1] - 100 * perByte) + " fixed");
        assertTrue(perByte <= 10, "the loop stays tight: " + perByte);
    }

    @Test
    void readingPastTheBufferIsCaught() {
        byte[] data = new byte[16];
        emu.mapExact("buf", BUF, data, false);
        try {
            EmulatorException e = assertThrows(EmulatorException.class, () -> emu.call("crc32", BUF, 17));
            assertTrue(e.getMessage().contains("crc32"), e.getMessage());
        } finally {
            emu.unmapExact("buf");
        }
    }
}
