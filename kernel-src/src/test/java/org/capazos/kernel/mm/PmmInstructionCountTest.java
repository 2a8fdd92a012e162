package org.capazos.kernel.mm;

import org.capazos.kernel.mm.PmmTest.Setup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Instructions executed per PMM call (exact, from the emulator; the {@code ret} included) on QEMU virt's 512 MiB,
 * at several fill levels: the numbers for BENCHMARKS.md. Every call is still checked against the model.
 */
class PmmInstructionCountTest {
    static final long MiB = 1L << 20, PAGE = 4096;

    /** min / mean / max of {@code samples} runs of {@code call}. */
    record Stats(long min, long mean, long max) {
        @Override
        public String toString() {
            return String.format("%7d %7d %7d", min, mean, max);
        }
    }

    static Stats measure(Setup s, int samples, LongSupplier call) {
        long min = Long.MAX_VALUE, max = 0, sum = 0;
        for (int i = 0; i < samples; i++) {
            call.getAsLong();
            long n = s.rig().emu.instructionsExecuted();
            min = Math.min(min, n);
            max = Math.max(max, n);
            sum += n;
        }
        return new Stats(min, sum / samples, max);
    }

    /** Fills the PMM to {@code fill} (0..1): everything allocated in runs, then a random share freed again. */
    static List<Long> fillRandomly(Setup s, double fill, Random rnd) {
        List<Long> held = new ArrayList<>();
        for (long n : new long[] {4096, 256, 16, 1}) {
            while (true) {
                long pa = s.rig().allocPages(n);
                assertEquals(s.model().allocPages(n), pa);
                if (PageAllocatorModel.isError(pa)) break;
                for (int i = 0; i < n; i++) held.add(pa + i * PAGE);
            }
        }
        Collections.shuffle(held, rnd);
        long keep = Math.round(held.size() * fill);
        while (held.size() > keep) {
            long pa = held.remove(held.size() - 1);
            assertEquals(0, s.rig().freePage(pa));
            s.model().freePage(pa);
        }
        return held;
    }

    /** {@code samples} alloc_page calls, then freeing those pages: the counts of each. */
    static Stats[] allocFree(Setup s, int samples) {
        List<Long> pas = new ArrayList<>();
        Stats alloc = measure(s, samples, () -> {
            long pa = s.rig().allocPage();
            assertEquals(s.model().allocPage(), pa);
            pas.add(pa);
            return pa;
        });
        Stats free = measure(s, samples, () -> {
            long pa = pas.remove(pas.size() - 1);
            assertEquals(s.model().freePage(pa), s.rig().freePage(pa));
            return 0;
        });
        return new Stats[] {alloc, free};
    }

    /** alloc_pages(n) then the run freed again; the counts of the allocations (ENOMEM answers included). */
    static Stats allocRun(Setup s, long n, int samples, boolean[] noMem) {
        long min = Long.MAX_VALUE, max = 0, sum = 0;
        for (int i = 0; i < samples; i++) {
            long pa = s.rig().allocPages(n);
            assertEquals(s.model().allocPages(n), pa, "alloc_pages(" + n + ")");
            long c = s.rig().emu.instructionsExecuted();
            min = Math.min(min, c);
            max = Math.max(max, c);
            sum += c;
            noMem[0] = PageAllocatorModel.isError(pa);
            if (!noMem[0]) for (int k = 0; k < n; k++) {
                assertEquals(0, s.rig().freePage(pa + k * PAGE));
                s.model().freePage(pa + k * PAGE);
            }
        }
        return new Stats(min, sum / samples, max);
    }

    @Test
    void instructionCounts() {
        Random rnd = new Random(42);
        StringBuilder out = new StringBuilder();
        out.append("PMM instruction counts (QEMU virt 512 MiB: 130446 usable pages, 2048 bitmap words), min/mean/max:\n");
        long[] runs = {1, 2, 8, 64, 512};
        for (double fill : new double[] {0, 0.5, 0.9, 0.99}) {
            try (Setup s = PmmTest.setup(PmmTest.qemuVirt(512 * MiB, List.of()), Pmm.Fault.NONE)) {
                if (fill > 0) fillRandomly(s, fill, rnd);
                String level = String.format("fill %3.0f%% (random)", fill * 100);
                Stats[] af = allocFree(s, 200);
                out.append(String.format("  %-20s pmm_alloc_page      %s%n", level, af[0]));
                out.append(String.format("  %-20s pmm_free_page       %s%n", level, af[1]));
                for (long n : runs) {
                    boolean[] noMem = {false};
                    Stats st = allocRun(s, n, fill >= 0.5 && n >= 64 ? 2 : 20, noMem);
                    out.append(String.format("  %-20s pmm_alloc_pages(%d)%s %s%s%n", level, n,
                            " ".repeat(4 - Long.toString(n).length()), st, noMem[0] ? "  (ENOMEM: no such run)" : ""));
                }
            }
        }
        // worst case of next fit: one free page, the hint just past it
        try (Setup s = PmmTest.setup(PmmTest.qemuVirt(512 * MiB, List.of()), Pmm.Fault.NONE)) {
            List<Long> held = fillRandomly(s, 1.0, rnd);
            long victim = held.get(0);
            s.rig().freePage(victim);
            s.model().freePage(victim);
            long pa = s.rig().allocPage();
            assertEquals(victim, pa);
            out.append(String.format("  %-20s pmm_alloc_page      %7d  (one free page, whole bitmap scanned)%n",
                    "fill 100% - 1 page", s.rig().emu.instructionsExecuted()));
        }
        System.out.print(out);
    }
}
