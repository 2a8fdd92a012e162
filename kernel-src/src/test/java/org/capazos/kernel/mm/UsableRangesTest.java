package org.capazos.kernel.mm;

import org.capazos.kernel.mm.SpanRulesModel.Input;
import org.capazos.kernel.mm.SpanRulesModel.Range;
import org.capazos.kernel.mm.SpanRulesModel.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** usable_build in the emulator against {@link SpanRulesModel} and against the rules checked one by one. */
class UsableRangesTest {
    static final long KiB = 1L << 10, MiB = 1L << 20, GiB = 1L << 30, PAGE = 4096;
    /** The property test's seed: -Dmm.seed=N reproduces a failing run. */
    static final long SEED = Long.getLong("mm.seed", System.nanoTime());
    static final int CASES = Integer.getInteger("mm.cases", 4000);

    static MmRig rig;

    @BeforeAll
    static void start() {
        rig = new MmRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    /** QEMU virt, 512 MiB: the layout kmain sees (boot stage at RAM base, kernel after it, DTB at RAM base). */
    static Input qemuVirt(List<Range> reserved) {
        return new Input(List.of(new Range(GiB, 512 * MiB)), reserved,
                GiB + 0x20_0000, GiB + 0x20_0000 + 0x4_5000, GiB, 0x10_0000,
                UsableRanges.DIRECT_MAP_NORMAL_BASE, 16 * GiB, 40, UsableRanges.MAX_SPANS, 16, 24);
    }

    @Test
    void qemuVirtLayout() {
        Result r = rig.usableBuild(qemuVirt(List.of()));
        long kernelEnd = GiB + 0x20_0000 + 0x4_5000;
        long meta = Pmm.metaPages(512 * MiB / PAGE);
        assertEquals(9, meta, "512 MiB: 131072 pages, two 16 KiB bitmaps and the state");
        assertEquals(1, r.code());
        assertArrayEquals(new long[] {kernelEnd + meta * PAGE, GiB + 512 * MiB}, r.spans().get(0));
        assertEquals(GiB, r.ramLo());
        assertEquals(GiB + 512 * MiB, r.ramHi());
        assertEquals(kernelEnd, r.metaPa());
        assertEquals(meta, r.metaPages());
        assertEquals(16 * GiB, r.limitPa());
        System.out.printf("usable_build, QEMU virt 512 MiB, no reservations: %d instructions%n",
                rig.emu.instructionsExecuted());
        Result r2 = rig.usableBuild(qemuVirt(List.of(new Range(GiB + 300 * MiB + 5, 3 * PAGE), new Range(GiB + 100 * MiB, 0))));
        assertEquals(2, r2.code());
        assertArrayEquals(new long[] {GiB + 300 * MiB, GiB + 512 * MiB}, new long[] {r2.spans().get(0)[1], r2.spans().get(1)[1]});
        assertEquals(GiB + 300 * MiB + 4 * PAGE, r2.spans().get(1)[0], "a reservation's end is rounded up");
        System.out.printf("usable_build, QEMU virt 512 MiB, 2 reservations: %d instructions%n",
                rig.emu.instructionsExecuted());
    }

    @Test
    void errors() {
        Input ok = qemuVirt(List.of());
        assertEquals(MmError.E2BIG, rig.usableBuild(with(ok, 4, 16, 24)).code(), "1 + 0 + 4 spans may not fit in 4");
        assertEquals(1, rig.usableBuild(with(ok, 5, 16, 24)).code(), "they fit in 5");
        assertEquals(MmError.EINVAL, rig.usableBuild(with(ok, 64, 8, 24)).code());
        assertEquals(MmError.EINVAL, rig.usableBuild(with(ok, 64, 16, 20)).code());
        // no RAM in the window
        Input low = new Input(List.of(new Range(0, GiB)), List.of(), 0x8_0000, 0x10_0000, 0, 0,
                GiB, 16 * GiB, 48, 64, 16, 16);
        assertEquals(MmError.ENOMEM, rig.usableBuild(low).code());
        // the metadata pages would overlap the DTB placed right after the kernel
        Input dtbAfter = new Input(ok.memory(), List.of(), ok.kernelBase(), ok.kernelEnd(), ok.kernelEnd() + PAGE, 0x1000,
                ok.windowBase(), ok.windowEnd(), 40, 64, 16, 24);
        assertEquals(MmError.EMETA, rig.usableBuild(dtbAfter).code());
        // a kernel past the PA limit
        Input far = new Input(ok.memory(), List.of(), 1L << 41, (1L << 41) + PAGE, 0, 0,
                ok.windowBase(), ok.windowEnd(), 40, 64, 16, 24);
        assertEquals(MmError.EMETA, rig.usableBuild(far).code());
    }

    private static Input with(Input in, int capacity, long memStride, long rsvStride) {
        return new Input(in.memory(), in.reserved(), in.kernelBase(), in.kernelEnd(), in.dtbPa(), in.dtbSize(),
                in.windowBase(), in.windowEnd(), in.paBits(), capacity, memStride, rsvStride);
    }

    @Test
    void clampsToThePhysicalAddressRangeAndTheWindow() {
        // 8 GiB of RAM at 1 GiB, but a 32-bit PA range: only [1 GiB, 4 GiB) is usable
        Input in = new Input(List.of(new Range(GiB, 8 * GiB)), List.of(), GiB, GiB + 16 * PAGE, 0, 0,
                0, 512 * GiB, 32, 64, 16, 16);
        Result r = rig.usableBuild(in);
        assertEquals(4 * GiB, r.limitPa());
        assertEquals(4 * GiB, r.spans().get(r.spans().size() - 1)[1]);
        // a window that ends at 2 GiB
        Input w = new Input(in.memory(), List.of(), GiB, GiB + 16 * PAGE, 0, 0, 0, 2 * GiB + 123, 48, 64, 16, 16);
        assertEquals(2 * GiB, rig.usableBuild(w).spans().get(0)[1]);
        // PARange decoding
        long[] expect = {32, 36, 40, 42, 44, 48, 52, 48, 48};
        for (int p = 0; p < expect.length; p++)
            assertEquals(expect[p], rig.emu.call("mm_pa_bits", 0x1100L << 4 | p), "PARange " + p);
    }

    // ---- property test -----------------------------------------------------------------------------------------

    /** A random memory map: banks, reservations, kernel, DTB, window and PA range, biased towards edge cases. */
    static Input randomInput(Random rnd) {
        long origin = switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> rnd.nextLong() & ((1L << 40) - 1) & ~(MiB - 1);
            case 2 -> 16 * GiB - 64 * MiB;                    // around the default window end
            case 3 -> (1L << 40) - 8 * MiB;                   // around a 40-bit PA limit
            case 4 -> -256 * MiB;                             // the top of the address space
            default -> GiB;
        };
        List<Range> mem = new ArrayList<>();
        int banks = 1 + rnd.nextInt(rnd.nextInt(6) == 0 ? 12 : 4);
        for (int i = 0; i < banks; i++) {
            long base = origin + addr(rnd, 512);
            long size = switch (rnd.nextInt(12)) {
                case 0 -> 0;
                case 1 -> -1L;                                // runs past 2^64: saturates
                case 2 -> rnd.nextInt(3) * GiB + addr(rnd, 64);
                case 3 -> rnd.nextInt(4096);                  // less than a page
                default -> addr(rnd, 1024);
            };
            if (rnd.nextInt(10) == 0 && !mem.isEmpty()) {     // adjacent to or overlapping the previous bank
                Range p = mem.get(mem.size() - 1);
                base = p.base() + p.size() - (rnd.nextBoolean() ? 0 : addr(rnd, 4));
            }
            if (rnd.nextInt(15) == 0) base = origin + rnd.nextInt(600) * GiB;  // a far bank: a big RAM span
            mem.add(new Range(base, size));
        }
        Range home = mem.get(rnd.nextInt(mem.size()));
        long kernelBase = rnd.nextInt(12) == 0 ? origin + addr(rnd, 2048) : home.base() + addr(rnd, 64);
        if (rnd.nextInt(4) != 0) kernelBase &= -PAGE;
        long kernelEnd = switch (rnd.nextInt(10)) {
            case 0 -> kernelBase;                             // empty
            case 1 -> kernelBase + rnd.nextInt(20000);        // unaligned
            case 2 -> kernelBase - PAGE;                      // end below base
            default -> (kernelBase & -PAGE) + (1 + rnd.nextInt(64)) * PAGE;
        };
        long dtbPa, dtbSize = rnd.nextInt(6) == 0 ? 0 : 1 + rnd.nextInt(0x2_0000);
        dtbPa = switch (rnd.nextInt(6)) {
            case 0 -> home.base();
            case 1 -> kernelEnd + addr(rnd, 16);              // may collide with the metadata pages
            case 2 -> origin + addr(rnd, 1024);
            case 3 -> rnd.nextLong();
            default -> home.base() + addr(rnd, 2048);
        };
        List<Range> rsv = new ArrayList<>();
        int n = rnd.nextInt(rnd.nextInt(5) == 0 ? 40 : 8);
        for (int i = 0; i < n; i++) {
            long base = rnd.nextInt(10) == 0 ? rnd.nextLong() : origin + addr(rnd, 1536);
            long size = switch (rnd.nextInt(10)) {
                case 0 -> 0;
                case 1 -> -1L;
                case 2 -> 1 + rnd.nextInt(64);
                default -> addr(rnd, 64);
            };
            rsv.add(new Range(base, size));
        }
        // the window and the PA range: usually compatible with the map, one time in three an edge case
        long windowBase, windowEnd, paBits;
        long top = origin + 8 * GiB;                          // above every bank but the far ones
        if (rnd.nextInt(3) != 0) {
            windowBase = Long.compareUnsigned(origin, GiB) >= 0 && rnd.nextBoolean() ? UsableRanges.DIRECT_MAP_NORMAL_BASE : 0;
            windowEnd = Long.compareUnsigned(top, 16 * GiB) <= 0 && origin >= 0 ? 16 * GiB
                    : Long.compareUnsigned(top, 512 * GiB) <= 0 && origin >= 0 ? 512 * GiB : -1L;
            paBits = 64;
            for (long b : new long[] {52, 48, 44, 42, 40, 36, 32})
                if (origin >= 0 && top >= 0 && Long.compareUnsigned(top, 1L << b) <= 0) paBits = b;
        } else {
            windowBase = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> origin + addr(rnd, 256);
                case 2 -> rnd.nextLong();
                default -> UsableRanges.DIRECT_MAP_NORMAL_BASE;
            };
            windowEnd = switch (rnd.nextInt(5)) {
                case 0 -> 512 * GiB;
                case 1 -> origin + addr(rnd, 1536);
                case 2 -> -1L;
                case 3 -> rnd.nextLong();
                default -> 16 * GiB;
            };
            long[] bits = {32, 36, 40, 42, 44, 48, 52, 64, 70, rnd.nextInt(64)};
            paBits = bits[rnd.nextInt(bits.length)];
        }
        int need = mem.size() + rsv.size() + UsableRanges.IMPLICIT_RESERVATIONS;
        int capacity = rnd.nextInt(12) == 0 ? 1 + rnd.nextInt(UsableRanges.MAX_SPANS)
                : Math.max(Math.min(need, UsableRanges.MAX_SPANS), 1 + rnd.nextInt(UsableRanges.MAX_SPANS));
        long[] strides = {16, 24, 32};
        long memStride = rnd.nextInt(100) == 0 ? 8 : strides[rnd.nextInt(3)];
        long rsvStride = rnd.nextInt(100) == 0 ? 20 : strides[rnd.nextInt(3)];
        return new Input(mem, rsv, kernelBase, kernelEnd, dtbPa, dtbSize, windowBase, windowEnd, paBits,
                capacity, memStride, rsvStride);
    }

    /** A random offset of up to {@code pages} pages, now and then not page-aligned. */
    static long addr(Random rnd, int pages) {
        long a = (long) rnd.nextInt(pages) * PAGE;
        return rnd.nextInt(4) == 0 ? a + rnd.nextInt((int) PAGE) : a;
    }

    /** Compares the routine with the model on one input; returns a description of the difference, or null. */
    static String difference(Input in, Result got, Result want) {
        if (got.code() != want.code())
            return "returned " + MmError.name(got.code()) + " (" + got.code() + "), model says " + MmError.name(want.code())
                    + " (" + want.code() + ")";
        if (want.code() < 0) return null;
        for (int i = 0; i < want.spans().size(); i++)
            if (!Arrays.equals(got.spans().get(i), want.spans().get(i)))
                return "span " + i + ": " + span(got.spans().get(i)) + ", model " + span(want.spans().get(i));
        if (got.ramLo() != want.ramLo() || got.ramHi() != want.ramHi()) return "RAM span differs";
        if (got.metaPa() != want.metaPa() || got.metaPages() != want.metaPages()) return "metadata differs";
        if (got.limitPa() != want.limitPa()) return "limit differs";
        return null;
    }

    static String span(long[] s) {
        return "[0x" + Long.toHexString(s[0]) + ", 0x" + Long.toHexString(s[1]) + ")";
    }

    /** The rules checked directly on the routine's output (no model): what "correct by construction" promises. */
    static void checkRules(Input in, Result r) {
        long limit = r.limitPa();
        List<long[]> sp = r.spans();
        for (int i = 0; i < sp.size(); i++) {
            long s = sp.get(i)[0], e = sp.get(i)[1];
            String at = "span " + i + " " + span(sp.get(i));
            assertEquals(0, s & (PAGE - 1), at + " start not page-aligned");
            assertEquals(0, e & (PAGE - 1), at + " end not page-aligned");
            assertTrue(Long.compareUnsigned(s, e) < 0, at + " empty");
            if (i > 0) assertTrue(Long.compareUnsigned(sp.get(i - 1)[1], s) < 0, at + " not after the previous one (sorted, merged)");
            assertTrue(Long.compareUnsigned(e, limit) <= 0, at + " past the limit");
            assertTrue(Long.compareUnsigned(s, in.windowBase()) >= 0, at + " below the window");
            assertTrue(coveredByMemory(in, s, e), at + " not covered by the /memory ranges");
            List<long[]> holes = new ArrayList<>();
            for (Range g : in.reserved()) if (g.size() != 0) holes.add(new long[] {g.base(), sat(g.base(), g.size())});
            holes.add(new long[] {in.kernelBase(), in.kernelEnd()});
            if (in.dtbSize() != 0) holes.add(new long[] {in.dtbPa(), sat(in.dtbPa(), in.dtbSize())});
            holes.add(new long[] {r.metaPa(), r.metaPa() + r.metaPages() * PAGE});
            long lowest = in.memory().stream().filter(m -> m.size() != 0).mapToLong(Range::base)
                    .reduce(-1L, (x, y) -> Long.compareUnsigned(x, y) < 0 ? x : y);
            holes.add(new long[] {lowest, in.kernelBase()});
            for (long[] h : holes) {
                if (Long.compareUnsigned(h[0], h[1]) >= 0) continue;
                // no page of the span may share a byte with the hole
                boolean disjoint = Long.compareUnsigned(e, h[0]) <= 0 || Long.compareUnsigned(h[1], s) <= 0;
                assertTrue(disjoint, at + " overlaps reserved " + span(h));
            }
        }
    }

    /** Whether every byte of [s, e) lies in some /memory range. */
    static boolean coveredByMemory(Input in, long s, long e) {
        java.math.BigInteger pos = SpanRulesModel.u(s), end = SpanRulesModel.u(e);
        while (pos.compareTo(end) < 0) {
            java.math.BigInteger next = null;
            for (Range m : in.memory()) {
                java.math.BigInteger b = SpanRulesModel.u(m.base()), t = b.add(SpanRulesModel.u(m.size()));
                if (b.compareTo(pos) <= 0 && pos.compareTo(t) < 0 && (next == null || t.compareTo(next) > 0)) next = t;
            }
            if (next == null) return false;
            pos = next;
        }
        return true;
    }

    static long sat(long a, long b) {
        long s = a + b;
        return Long.compareUnsigned(s, a) < 0 ? -1L : s;
    }

    @Test
    void randomMapsAgreeWithTheModel() {
        System.out.println("UsableRangesTest: seed " + SEED + " (rerun with -Dmm.seed=" + SEED + "), " + CASES + " cases");
        Random rnd = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        long instructions = 0, maxInstructions = 0;
        for (int c = 0; c < CASES; c++) {
            Input in = randomInput(rnd);
            Result got = rig.usableBuild(in);
            Result want = SpanRulesModel.compute(in);
            String diff = difference(in, got, want);
            if (diff != null) fail("case " + c + " (seed " + SEED + "): " + diff + "\n  input: " + describe(in));
            if (got.code() >= 0) {
                checkRules(in, got);
                instructions += rig.emu.instructionsExecuted();
                maxInstructions = Math.max(maxInstructions, rig.emu.instructionsExecuted());
            }
            outcomes.merge(got.code() >= 0 ? (got.code() == 0 ? "0 spans" : got.code() == 1 ? "1 span" : "2+ spans")
                    : MmError.name(got.code()), 1, Integer::sum);
        }
        System.out.println("UsableRangesTest: outcomes " + outcomes + "; usable_build mean "
                + instructions / Math.max(1, CASES - errors(outcomes)) + ", max " + maxInstructions + " instructions");
        assertTrue(outcomes.getOrDefault("2+ spans", 0) > CASES / 8, "too few interesting successes: " + outcomes);
        for (String e : List.of("E2BIG", "EINVAL", "ENOMEM", "EMETA"))
            assertTrue(outcomes.getOrDefault(e, 0) > 0, "the generator never produced " + e + ": " + outcomes);
    }

    private static int errors(Map<String, Integer> outcomes) {
        return outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("E")).mapToInt(Map.Entry::getValue).sum();
    }

    static String describe(Input in) {
        StringBuilder b = new StringBuilder();
        b.append("memory=");
        for (Range r : in.memory()) b.append(String.format("{0x%x,0x%x}", r.base(), r.size()));
        b.append(" reserved=");
        for (Range r : in.reserved()) b.append(String.format("{0x%x,0x%x}", r.base(), r.size()));
        b.append(String.format(" kernel=[0x%x,0x%x) dtb=0x%x+0x%x window=[0x%x,0x%x) pa_bits=%d capacity=%d strides=%d/%d",
                in.kernelBase(), in.kernelEnd(), in.dtbPa(), in.dtbSize(), in.windowBase(), in.windowEnd(),
                in.paBits(), in.capacity(), in.memStride(), in.rsvStride()));
        return b.toString();
    }

    @Test
    void aBrokenRoundingIsCaught() {
        long seed = SEED ^ 0x5eed;
        Random rnd = new Random(seed);
        try (MmRig broken = new MmRig(Pmm.Fault.NONE, UsableRanges.Fault.RESERVED_END_ROUNDED_DOWN)) {
            for (int c = 0; c < CASES; c++) {
                Input in = randomInput(rnd);
                if (difference(in, broken.usableBuild(in), SpanRulesModel.compute(in)) != null) {
                    System.out.println("UsableRangesTest: reservation end rounded down (mutant) caught after " + (c + 1)
                            + " cases (seed " + seed + ")");
                    return;
                }
            }
        }
        fail("the mutant with reservation ends rounded down passed " + CASES + " random cases (seed " + seed + ")");
    }
}
