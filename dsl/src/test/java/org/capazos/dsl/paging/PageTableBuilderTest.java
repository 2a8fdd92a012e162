package org.capazos.dsl.paging;

import org.capazos.dsl.EncodingException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The builder's tables, walked the way the MMU walks them. */
class PageTableBuilderTest {
    private static final long BASE = 0x4008_0000L;

    private static TableWalker walker(PageTableBuilder b) {
        long[][] img = b.image(BASE);
        Map<Long, long[]> byPa = new HashMap<>();
        for (int i = 0; i < img.length; i++) byPa.put(BASE + i * Descriptor.GRANULE, img[i]);
        return new TableWalker(BASE, byPa::get);
    }

    @Test
    void usesTheLargestBlockTheAlignmentAllows() {
        PageTableBuilder b = new PageTableBuilder()
                .map(0x4000_0000L, 0x4000_0000L, 1L << 30, Mapping.KERNEL_RWX)          // one 1 GiB block
                .map(0x8000_0000L, 0x1_0000_0000L, 4L << 20, Mapping.KERNEL_RW)        // two 2 MiB blocks
                .map(0x9000_0000L + 0x1000, 0x0900_0000L, 0x1000, Mapping.DEVICE);       // one page
        TableWalker w = walker(b);
        assertEquals(1, w.translate(0x4123_4567L).orElseThrow().level());
        assertEquals(0x4123_4567L, w.translate(0x4123_4567L).orElseThrow().pa());
        assertEquals(2, w.translate(0x8030_0010L).orElseThrow().level());
        assertEquals(0x1_0030_0010L, w.translate(0x8030_0010L).orElseThrow().pa());
        var dev = w.translate(0x9000_1004L).orElseThrow();
        assertEquals(3, dev.level());
        assertEquals(0x0900_0004L, dev.pa());
        assertEquals(Mapping.DEVICE, dev.mapping());
        assertTrue(w.translate(0x9000_0000L).isEmpty());
        assertTrue(w.translate(0x3fff_ffffL).isEmpty());
        // root, one level-1 table, one level-2 for the GiB at 0x80000000 (both 0x80000000 and 0x90001000), one
        // level-3 for the page
        assertEquals(4, b.tableCount());
    }

    @Test
    void attributesRoundTrip() {
        for (Mapping m : new Mapping[] {Mapping.KERNEL_RWX, Mapping.KERNEL_RW, Mapping.KERNEL_RX, Mapping.KERNEL_RO,
                Mapping.DEVICE, new Mapping(false, true, true, true), new Mapping(false, false, false, true)}) {
            PageTableBuilder b = new PageTableBuilder().map(0x1000, 0x2000, 0x1000, m);
            assertEquals(m, walker(b).translate(0x1234).orElseThrow().mapping(), m.toString());
        }
        long d = Mapping.DEVICE.attributes();
        assertNotEquals(0, d & Descriptor.PXN);
        assertNotEquals(0, d & Descriptor.UXN);
        assertNotEquals(0, d & Descriptor.AF);
    }

    @Test
    void higherHalfAddressesUseTheLow48Bits() {
        PageTableBuilder b = new PageTableBuilder().map(0xffff_0000_4000_0000L, 0x4000_0000L, 1L << 30, Mapping.KERNEL_RWX);
        assertEquals(0x4010_0000L, walker(b).translate(0xffff_0000_4010_0000L).orElseThrow().pa());
    }

    @Test
    void randomMappingsTranslateExactly() {
        Random r = new Random(7);
        for (int round = 0; round < 50; round++) {
            PageTableBuilder b = new PageTableBuilder();
            long[][] ranges = new long[8][];
            long va = 0;
            for (int i = 0; i < ranges.length; i++) {
                va += (1 + r.nextInt(1 << 10)) * Descriptor.GRANULE * (r.nextBoolean() ? 512 : 1);
                long size = (1 + r.nextInt(1200)) * Descriptor.GRANULE;
                long pa = (r.nextInt(1 << 20) + 0x100L) * Descriptor.GRANULE * (r.nextBoolean() ? 512 : 1);
                b.map(va, pa, size, Mapping.KERNEL_RW);
                ranges[i] = new long[] {va, pa, size};
                va += size;
            }
            TableWalker w = walker(b);
            for (long[] g : ranges) {
                for (int k = 0; k < 20; k++) {
                    long off = (long) (r.nextDouble() * g[2]);
                    assertEquals(g[1] + off, w.translate(g[0] + off).orElseThrow().pa());
                }
                assertTrue(w.translate(g[0] + g[2]).map(t -> true).orElse(true)); // the next range may follow
            }
        }
    }

    @Test
    void misuseIsAnError() {
        assertThrows(EncodingException.class, () -> new PageTableBuilder().map(0x1001, 0, 0x1000, Mapping.KERNEL_RW));
        PageTableBuilder b = new PageTableBuilder().map(0, 0, 1L << 30, Mapping.KERNEL_RW);
        EncodingException e = assertThrows(EncodingException.class, () -> b.map(0x1000, 0, 0x1000, Mapping.KERNEL_RW));
        assertTrue(e.getMessage().contains("already mapped by a block"), e.getMessage());
    }
}
