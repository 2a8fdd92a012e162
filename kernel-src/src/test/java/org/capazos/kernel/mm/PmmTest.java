package org.capazos.kernel.mm;

import org.capazos.harness.emu.EmulatorException;
import org.capazos.kernel.mm.SpanRulesModel.Input;
import org.capazos.kernel.mm.SpanRulesModel.Range;
import org.capazos.kernel.mm.SpanRulesModel.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The PMM routines in the emulator against {@link PageAllocatorModel}. */
class PmmTest {
    static final long MiB = 1L << 20, GiB = 1L << 30, PAGE = 4096;
    static final long SEED = Long.getLong("mm.seed", System.nanoTime());

    /** A rig with the PMM initialised on {@code in}, and the model initialised on the same spans. */
    record Setup(MmRig rig, Result layout, PageAllocatorModel model) implements AutoCloseable {
        @Override
        public void close() {
            rig.close();
        }
    }

    static Setup setup(Input in, Pmm.Fault fault) {
        MmRig rig = new MmRig(fault, UsableRanges.Fault.NONE);
        Result r = rig.usableBuild(in);
        assertTrue(r.code() >= 0, "usable_build: " + MmError.name(r.code()));
        long init = rig.pmmInit(r);
        assertEquals(0, init, "pmm_init: " + MmError.name(init));
        return new Setup(rig, r, new PageAllocatorModel(r.ramLo(), r.ramHi(), r.spans()));
    }

    /** QEMU virt with {@code ram} bytes of RAM at 1 GiB, the kernel 2 MiB in, the DTB at the RAM base. */
    static Input qemuVirt(long ram, List<Range> reserved) {
        return new Input(List.of(new Range(GiB, ram)), reserved, GiB + 0x20_0000, GiB + 0x26_5000, GiB, 0x10_0000,
                UsableRanges.DIRECT_MAP_NORMAL_BASE, 16 * GiB, 40, UsableRanges.MAX_SPANS, 16, 24);
    }

    /** Random maps that usable_build accepts, with a RAM span small enough to run long sequences on. */
    static Input randomSmallMap(Random rnd) {
        while (true) {
            Input in = UsableRangesTest.randomInput(rnd);
            Result r = SpanRulesModel.compute(in);
            if (r.code() > 0 && Long.compareUnsigned(r.ramHi() - r.ramLo(), 256 * MiB) <= 0) return in;
        }
    }

    // ---- checks shared by the tests and the mutant hunt ------------------------------------------------------

    /** The bitmaps in memory equal the model's (padding bits clear); the counters equal the model's. */
    static void checkBitmaps(Setup s) {
        MmRig rig = s.rig();
        PageAllocatorModel m = s.model();
        long words = rig.state("word_count");
        assertEquals((m.pages + 63) / 64, words, "word_count");
        byte[] meta = rig.metadata();
        long fbm = rig.state("free_bitmap") - MmRig.META_VA, ubm = rig.state("usable_bitmap") - MmRig.META_VA;
        for (int w = 0; w < words; w++) {
            long f = word(meta, fbm + 8L * w), u = word(meta, ubm + 8L * w), mf = 0, mu = 0;
            for (int b = 0; b < 64; b++) {
                if (m.free.get(w * 64 + b)) mf |= 1L << b;
                if (m.usable.get(w * 64 + b)) mu |= 1L << b;
            }
            assertEquals(mf, f, "free bitmap word " + w);
            assertEquals(mu, u, "usable bitmap word " + w);
        }
        assertEquals(m.freeCount(), rig.freeCount(), "pmm_free_count");
        assertEquals(m.total, rig.totalCount(), "pmm_total_count");
    }

    static long word(byte[] b, long at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[(int) at + i] & 0xff);
        return v;
    }

    /** A long random sequence of alloc_page, alloc_pages, good and bad frees, every answer checked. */
    static void randomSequence(Setup s, Random rnd, int ops) {
        MmRig rig = s.rig();
        PageAllocatorModel m = s.model();
        List<Long> held = new ArrayList<>();
        Set<Long> heldSet = new HashSet<>();
        for (int op = 0; op < ops; op++) {
            int k = rnd.nextInt(100);
            String what;
            long got, want;
            if (k < 38) {
                what = "pmm_alloc_page";
                got = rig.allocPage();
                want = m.allocPage();
            } else if (k < 52) {
                long n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(600) : 1 + rnd.nextInt(12);
                if (rnd.nextInt(50) == 0) n = rnd.nextBoolean() ? 0 : 0x1_0000_0003L; // 0, and a count past 32 bits
                what = "pmm_alloc_pages(" + n + ")";
                got = rig.allocPages(n);
                want = m.allocPages(n);
                if (!PageAllocatorModel.isError(want)) {
                    for (long i = 1; i < (n & 0xffff_ffffL); i++) {
                        long pa = want + i * PAGE;
                        assertTrue(heldSet.add(pa), what + " handed out held page 0x" + Long.toHexString(pa));
                        held.add(pa);
                    }
                }
            } else if (k < 90 && !held.isEmpty()) {
                int i = rnd.nextInt(held.size());
                long pa = held.get(i);
                held.set(i, held.get(held.size() - 1));
                held.remove(held.size() - 1);
                heldSet.remove(pa);
                what = "pmm_free_page(0x" + Long.toHexString(pa) + ")";
                got = rig.freePage(pa);
                want = m.freePage(pa);
                assertEquals(0, want, "model: freeing a held page");
            } else {
                long pa = badAddress(m, rnd);
                what = "pmm_free_page(0x" + Long.toHexString(pa) + ") [bad]";
                byte[] before = rig.metadata();
                got = rig.freePage(pa);
                want = m.freePage(pa);
                if (want != 0) assertArrayEquals(before, rig.metadata(), what + ": a refused free changed the metadata");
                else { // a page that is free in neither: cannot happen for a bad address unless it was held
                    fail("generated a bad address that the model accepts: " + what);
                }
            }
            if (got != want)
                fail("op " + op + ": " + what + " returned " + show(got) + ", model " + show(want));
            if (!PageAllocatorModel.isError(want) && (what.startsWith("pmm_alloc_page") || what.startsWith("pmm_alloc_pages"))) {
                assertTrue(heldSet.add(want), what + " handed out held page 0x" + Long.toHexString(want));
                held.add(want);
            }
            assertEquals(m.freeCount(), rig.freeCount(), "op " + op + " (" + what + "): pmm_free_count");
            if (op % 997 == 0) checkBitmaps(s);
        }
        checkBitmaps(s);
    }

    static String show(long v) {
        return PageAllocatorModel.isError(v) ? MmError.name(v) : "0x" + Long.toHexString(v);
    }

    /** An address pmm_free_page must refuse: a free page, a never-usable page, outside, unaligned. */
    static long badAddress(PageAllocatorModel m, Random rnd) {
        for (int tries = 0; ; tries++) {
            long pa = switch (rnd.nextInt(6)) {
                case 0 -> m.pa(rnd.nextInt(m.pages));                               // free or never usable
                case 1 -> m.base - PAGE * (1 + rnd.nextInt(4));                     // below the bitmap
                case 2 -> m.pa(m.pages + rnd.nextInt(4));                           // just past it
                case 3 -> m.pa(rnd.nextInt(m.pages)) + 1 + rnd.nextInt(4095);       // unaligned
                case 4 -> rnd.nextLong();
                default -> {
                    int i = m.free.nextSetBit(rnd.nextInt(m.pages));                // a double free
                    yield i < 0 ? -PAGE : m.pa(i);
                }
            };
            if (Long.compareUnsigned(pa, m.base) >= 0 && (pa & 0xfff) == 0 && ((pa - m.base) >>> 12) < m.pages
                    && m.usable.get(m.index(pa)) && !m.free.get(m.index(pa))) continue; // a held page: not bad
            return pa;
        }
    }

    /** Allocates every page one by one: each usable page exactly once; then frees them all. */
    static void exhaust(Setup s, Random rnd, boolean runs) {
        MmRig rig = s.rig();
        PageAllocatorModel m = s.model();
        BitSet seen = new BitSet();
        List<Long> got = new ArrayList<>();
        BitSet expected = (BitSet) m.free.clone();
        while (true) {
            long n = runs ? 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 40) : 0;
            long pa = runs ? rig.allocPages(n) : rig.allocPage();
            long want = runs ? m.allocPages(n) : m.allocPage();
            assertEquals(want, pa, "allocation " + got.size() + (runs ? " of a run of " + n : ""));
            if (PageAllocatorModel.isError(pa)) {
                if (runs && n > 1) continue;                  // a run that no longer fits: smaller ones may
                break;
            }
            for (long i = 0; i < Math.max(1, n); i++) {
                long p = pa + i * PAGE;
                int idx = m.index(p);
                assertTrue(m.usable.get(idx), "handed out a page that was never usable: 0x" + Long.toHexString(p));
                assertFalse(seen.get(idx), "handed out twice: 0x" + Long.toHexString(p));
                seen.set(idx);
                got.add(p);
            }
        }
        if (!expected.equals(seen))
            fail("every usable page handed out exactly once: " + seen.cardinality() + " of " + expected.cardinality()
                    + " pages handed out (" + (runs ? "runs" : "single pages") + "), model pages " + m.pages
                    + ", base 0x" + Long.toHexString(m.base) + ", first expected 0x" + Long.toHexString(m.pa(expected.nextSetBit(0)))
                    + ", last answer " + show(runs ? m.allocPages(1) : m.allocPage()));
        assertEquals(0, rig.freeCount());
        assertEquals(MmError.ENOMEM, rig.allocPage());
        assertEquals(MmError.ENOMEM, rig.allocPages(1));
        checkBitmaps(s);
        java.util.Collections.shuffle(got, rnd);
        for (long p : got) {
            assertEquals(0, rig.freePage(p), "freeing 0x" + Long.toHexString(p));
            m.freePage(p);
        }
        assertEquals(m.freeCount(), rig.freeCount(), "all pages back");
        checkBitmaps(s);
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void initMarksExactlyTheUsableSpans() {
        try (Setup s = setup(qemuVirt(512 * MiB, List.of(new Range(GiB + 300 * MiB + 5, 3 * PAGE))), Pmm.Fault.NONE)) {
            long total = 0;
            for (long[] sp : s.layout().spans()) total += (sp[1] - sp[0]) / PAGE;
            assertEquals(total, s.rig().totalCount());
            assertEquals(total, s.rig().freeCount());
            assertEquals(Pmm.MAGIC, s.rig().state("magic"));
            assertEquals(GiB, s.rig().state("base_pa"));
            assertEquals(512 * MiB / PAGE, s.rig().state("page_count"));
            assertEquals(s.rig().hhOffset, s.rig().state("hh_offset"));
            assertEquals(MmRig.META_VA, s.rig().emu.readLong(s.rig().emu.symbol("pmm_state_ptr")));
            checkBitmaps(s);
            System.out.printf("pmm_init, QEMU virt 512 MiB (%d usable pages, %d metadata pages): %d instructions%n",
                    total, s.layout().metaPages(), s.rig().initInstructions);
        }
    }

    @Test
    void initRefusesBadSpans() {
        try (MmRig rig = new MmRig()) {
            Result r = rig.usableBuild(qemuVirt(64 * MiB, List.of()));
            rig.emu.writeLong(rig.spansVa + 8, GiB + 65 * MiB);    // past ram_hi
            assertEquals(MmError.EINVAL, rig.pmmInit(r));
            assertEquals(0, rig.emu.readLong(rig.emu.symbol("pmm_state_ptr")), "stays uninitialised");
            assertEquals(MmError.ENOINIT, rig.allocPage());
        }
    }

    @Test
    void randomSequencesAgreeWithTheModel() {
        System.out.println("PmmTest: seed " + SEED + " (rerun with -Dmm.seed=" + SEED + ")");
        Random rnd = new Random(SEED);
        // the real size first (alloc_pages scans a fragmented 128K-page bitmap: few operations), then small maps
        for (int map = 0; map < 16; map++) {
            try (Setup s = setup(map == 0 ? qemuVirt(512 * MiB, List.of()) : randomSmallMap(rnd), Pmm.Fault.NONE)) {
                randomSequence(s, rnd, map == 0 ? 2500 : 5000);
            }
        }
    }

    @Test
    void exhaustionHandsOutEveryUsablePageExactlyOnce() {
        Random rnd = new Random(SEED + 1);
        for (int map = 0; map < 6; map++) {
            Input in = map == 0 ? qemuVirt(32 * MiB, List.of(new Range(GiB + 20 * MiB, 12345))) : randomSmallMap(rnd);
            try (Setup s = setup(in, Pmm.Fault.NONE)) {
                randomSequence(s, rnd, 300);      // start from a fragmented state
                exhaust(s, rnd, false);
                exhaust(s, rnd, true);
            }
        }
    }

    @Test
    void contiguousRunsAreContiguousAlignedAndDisjoint() {
        Random rnd = new Random(SEED + 2);
        try (Setup s = setup(qemuVirt(64 * MiB, List.of(new Range(GiB + 40 * MiB, 5 * PAGE))), Pmm.Fault.NONE)) {
            BitSet held = new BitSet();
            for (int i = 0; i < 2000; i++) {                 // fragment: single pages, some freed again
                long pa = s.rig().allocPage();
                s.model().allocPage();
                if (rnd.nextInt(3) == 0) { s.rig().freePage(pa); s.model().freePage(pa); }
                else held.set(s.model().index(pa));
            }
            for (int i = 0; i < 300; i++) {
                int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 300);
                long pa = s.rig().allocPages(n);
                assertEquals(s.model().allocPages(n), pa, "alloc_pages(" + n + ")");
                if (PageAllocatorModel.isError(pa)) continue;
                assertEquals(0, pa & (PAGE - 1), "page-aligned");
                int first = s.model().index(pa);
                for (int k = first; k < first + n; k++) {
                    assertTrue(s.model().usable.get(k), "run inside usable memory");
                    assertFalse(held.get(k), "run overlaps an allocation at page " + k);
                    held.set(k);
                }
                boolean inOneSpan = s.layout().spans().stream().anyMatch(sp -> sp[0] <= pa && pa + n * PAGE <= sp[1]);
                assertTrue(inOneSpan, "run physically contiguous inside one span");
            }
            checkBitmaps(s);
        }
    }

    @Test
    void badFreesAreReportedAndChangeNothing() {
        try (Setup s = setup(qemuVirt(64 * MiB, List.of(new Range(GiB + 40 * MiB, 5 * PAGE))), Pmm.Fault.NONE)) {
            MmRig rig = s.rig();
            long pa = rig.allocPage();
            s.model().allocPage();
            assertEquals(0, rig.freePage(pa));
            s.model().freePage(pa);
            long[][] cases = {
                    {pa, MmError.EDOUBLEFREE},                        // freed twice
                    {GiB + 0x20_0000, MmError.ENOTUSABLE},            // the kernel image
                    {GiB + 40 * MiB + PAGE, MmError.ENOTUSABLE},      // a reserved range
                    {s.layout().metaPa(), MmError.ENOTUSABLE},        // the PMM's own metadata
                    {GiB - PAGE, MmError.ENOTUSABLE},                 // below RAM
                    {GiB + 64 * MiB, MmError.ENOTUSABLE},             // the first page past RAM
                    {pa + 8, MmError.EALIGN},
            };
            String[] lines = {"PMM: double free of page ", "PMM: free of a page that was never usable ",
                    "PMM: free of a page that was never usable ", "PMM: free of a page that was never usable ",
                    "PMM: free of a page that was never usable ", "PMM: free of a page that was never usable ",
                    "PMM: free of an unaligned address "};
            for (int i = 0; i < cases.length; i++) {
                byte[] before = rig.metadata();
                rig.emu.clearUart();
                assertEquals(cases[i][1], rig.freePage(cases[i][0]), "free 0x" + Long.toHexString(cases[i][0]));
                assertArrayEquals(before, rig.metadata(), "metadata unchanged by a refused free");
                assertEquals(lines[i] + "0x" + Long.toHexString(cases[i][0]) + "\r\n", rig.emu.uartOutput());
            }
            checkBitmaps(s);
            System.out.println("PmmTest: refused free prints, e.g.: " + rig.emu.uartOutput().trim());
        }
    }

    @Test
    void beforeInitEverythingIsRefused() {
        try (MmRig rig = new MmRig()) {
            assertEquals(MmError.ENOINIT, rig.allocPage());
            assertEquals(MmError.ENOINIT, rig.allocPages(3));
            assertEquals(MmError.ENOINIT, rig.freePage(GiB));
            assertEquals("PMM: free before pmm_init: 0x40000000\r\n", rig.emu.uartOutput());
            assertEquals(0, rig.emu.call("pmm_alloc_page_va", MmRig.OUT_VA));
            assertEquals(0, rig.freeCount());
            assertEquals(0, rig.totalCount());
            assertEquals(MmError.EINVAL, rig.emu.call("pmm_alloc_page", 0));
        }
    }

    @Test
    void allocPageVaReturnsTheDirectMapAddress() {
        try (Setup s = setup(qemuVirt(64 * MiB, List.of()), Pmm.Fault.NONE)) {
            MmRig rig = s.rig();
            long va = rig.emu.call("pmm_alloc_page_va", MmRig.OUT_VA);
            long pa = rig.emu.readLong(MmRig.OUT_VA);
            assertEquals(s.model().allocPage(), pa);
            assertEquals(pa + rig.hhOffset, va);
            long va2 = rig.emu.call("pmm_alloc_page_va", 0);    // no out_pa wanted
            long pa2 = s.model().allocPage();
            assertEquals(pa2 + rig.hhOffset, va2);
            checkBitmaps(s);
        }
    }

    @Test
    void selfTestPrintsTheCountersAndRestoresThem() {
        try (Setup s = setup(qemuVirt(512 * MiB, List.of()), Pmm.Fault.NONE)) {
            MmRig rig = s.rig();
            long free = rig.freeCount(), total = rig.totalCount();
            rig.emu.clearUart();
            assertEquals(0, rig.emu.call("pmm_self_test"));
            String out = rig.emu.uartOutput().replace("\r\n", "\n");
            System.out.print("pmm_self_test output:\n" + out);
            String counters = "PMM(free/total): " + free + "/" + total + "\n";
            assertTrue(out.startsWith(counters), out);
            assertTrue(out.endsWith(counters + "PMM: self-test passed\n"), out);
            assertTrue(out.contains("PMM(free/total): " + (free - 4) + "/" + total + "\n"), "after 4 single pages");
            assertTrue(out.contains("PMM(free/total): " + (free - 8) + "/" + total + "\n"), "after a run of 8");
            assertTrue(out.contains("PMM: double free of page 0x"), out);
            assertEquals(free, rig.freeCount());
        }
    }

    @Test
    void bootInitTakesBootInfoAndPlatformInfo() {
        List<Range> reserved = List.of(new Range(GiB + 100 * MiB + 123, 2 * PAGE), new Range(GiB + 200 * MiB, 64 * PAGE));
        Input in = qemuVirt(512 * MiB, reserved);
        Result want = SpanRulesModel.compute(in);
        assertTrue(want.code() > 0);
        try (MmRig rig = new MmRig()) {
            long bi = 0x6005_0000L, pi = 0x6006_0000L;
            org.capazos.dsl.Struct B = org.capazos.kernel.boot.BootInfo.LAYOUT;
            org.capazos.dsl.Struct P = org.capazos.kernel.fdt.PlatformInfo.LAYOUT;
            rig.emu.mapExact("boot_info", bi, B.size(), false);
            rig.emu.mapExact("platform_info", pi, P.size(), false);
            long hh = rig.mapMetadata(want);
            rig.emu.writeLong(bi + B.offset("magic"), org.capazos.kernel.boot.BootInfo.MAGIC);
            rig.emu.writeLong(bi + B.offset("ram_base"), GiB);
            rig.emu.writeLong(bi + B.offset("kernel_phys_base"), in.kernelBase());
            rig.emu.writeLong(bi + B.offset("kernel_phys_end"), in.kernelEnd());
            rig.emu.writeLong(bi + B.offset("dtb_pa"), in.dtbPa());
            rig.emu.writeLong(bi + B.offset("dtb_size"), in.dtbSize());
            rig.emu.writeLong(bi + B.offset("hh_offset"), hh);
            rig.emu.writeLong(pi + P.offset("memory_count"), 1);
            rig.emu.writeLong(pi + P.offset("memory"), GiB);
            rig.emu.writeLong(pi + P.offset("memory") + 8, 512 * MiB);
            rig.emu.writeLong(pi + P.offset("reserved_count"), reserved.size());
            long rs = org.capazos.kernel.fdt.PlatformInfo.RESERVED.size();
            for (int i = 0; i < reserved.size(); i++) {
                rig.emu.writeLong(pi + P.offset("reserved") + i * rs, reserved.get(i).base());
                rig.emu.writeLong(pi + P.offset("reserved") + i * rs + 8, reserved.get(i).size());
                rig.emu.writeLong(pi + P.offset("reserved") + i * rs + 16, i);
            }
            assertEquals(0, rig.emu.call("pmm_boot_init", bi, pi, 16 * GiB, 40));
            System.out.printf("pmm_boot_init, QEMU virt 512 MiB, 2 reservations: %d instructions%n",
                    rig.emu.instructionsExecuted());
            assertEquals(want.code(), rig.emu.readLong(rig.emu.symbol("usable_span_count")));
            long spans = rig.emu.symbol("usable_spans");
            for (int i = 0; i < want.spans().size(); i++) {
                assertEquals(want.spans().get(i)[0], rig.emu.readLong(spans + 16L * i));
                assertEquals(want.spans().get(i)[1], rig.emu.readLong(spans + 16L * i + 8));
            }
            long total = want.spans().stream().mapToLong(sp -> (sp[1] - sp[0]) / PAGE).sum();
            assertEquals(total, rig.totalCount());
            assertEquals(MmRig.META_VA, rig.emu.readLong(rig.emu.symbol("pmm_state_ptr")));
            assertEquals(0, rig.emu.call("pmm_self_test"));
            // an error from usable_build comes back unchanged
            rig.emu.writeLong(pi + P.offset("memory_count"), 0);
            assertEquals(MmError.ENOMEM, rig.emu.call("pmm_boot_init", bi, pi, 16 * GiB, 40));
        }
    }

    // ---- deliberately broken variants ----------------------------------------------------------------------

    /** Runs the property checks on a PMM with {@code fault}; returns what caught it, or null. */
    static String hunt(Pmm.Fault fault, long seed) {
        Random rnd = new Random(seed);
        for (int map = 0; map < 10; map++) {
            Input in = map == 0 ? qemuVirt(16 * MiB, List.of()) : randomSmallMap(rnd);
            try (Setup s = setup(in, fault)) {
                checkBitmaps(s);
                randomSequence(s, rnd, 2000);
                exhaust(s, rnd, false);
                exhaust(s, rnd, true);
            } catch (AssertionError | EmulatorException e) {
                return "map " + map + ": " + e.getMessage().lines().findFirst().orElse("");
            }
        }
        return null;
    }

    @Test
    void brokenVariantsAreCaught() {
        for (Pmm.Fault f : Pmm.Fault.values()) {
            if (f == Pmm.Fault.NONE) continue;
            String caught = hunt(f, SEED + f.ordinal());
            assertNotNull(caught, "the broken variant " + f + " passed every check");
            System.out.println("PmmTest: broken variant " + f + " caught: " + caught);
        }
    }
}
