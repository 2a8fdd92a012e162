package org.capazos.kernel.mm;

import java.util.BitSet;
import java.util.List;

/**
 * The PMM's documented behaviour in plain Java: which page each call returns (next fit by bitmap word for single
 * pages, first fit for runs), which error each bad call gets, and the counters. The emulated routines must give
 * the same answer to every call.
 */
final class PageAllocatorModel {
    final long base;
    final int pages;
    final BitSet usable = new BitSet();
    final BitSet free = new BitSet();
    int hintWord;
    long total;

    /**
     * Whether a PMM answer is an error code (-1..-9) rather than a PA: PAs are page-aligned and may be "negative"
     * as Java longs (at the top of the address space), so {@code < 0} is not the test.
     */
    static boolean isError(long v) {
        return v < 0 && v >= -16;
    }

    PageAllocatorModel(long base, long end, List<long[]> spans) {
        this.base = base;
        this.pages = (int) ((end - base) >>> 12);
        for (long[] s : spans) {
            int a = index(s[0]), b = index(s[1]);
            usable.set(a, b);
            free.set(a, b);
        }
        total = usable.cardinality();
    }

    int index(long pa) {
        return (int) ((pa - base) >>> 12);
    }

    long pa(int index) {
        return base + ((long) index << 12);
    }

    long freeCount() {
        return free.cardinality();
    }

    /** pmm_alloc_page: the PA, or a negative error. */
    long allocPage() {
        if (free.isEmpty()) return MmError.ENOMEM;
        int words = (pages + 63) / 64;
        for (int k = 0, w = hintWord; k < words; k++, w = (w + 1) % words) {
            int bit = free.nextSetBit(w * 64);
            if (bit >= 0 && bit < (w + 1) * 64) {
                free.clear(bit);
                hintWord = w;
                return pa(bit);
            }
        }
        throw new AssertionError("model: free pages but no bit");
    }

    /** pmm_alloc_pages: the PA of the lowest run of {@code count} free pages, or a negative error. */
    long allocPages(long count) {
        count &= 0xffff_ffffL;
        if (count == 0) return MmError.EINVAL;
        if (count > free.cardinality()) return MmError.ENOMEM;
        int start = free.nextSetBit(0);
        while (start >= 0 && start + count <= pages) {
            int end = free.nextClearBit(start);
            if (end - start >= count) {
                free.clear(start, (int) (start + count));
                return pa(start);
            }
            start = free.nextSetBit(end);
        }
        return MmError.ENOMEM;
    }

    /** pmm_free_page: 0 or a negative error. */
    long freePage(long pa) {
        if ((pa & 0xfff) != 0) return MmError.EALIGN;
        if (Long.compareUnsigned(pa, base) < 0 || Long.compareUnsigned((pa - base) >>> 12, pages) >= 0)
            return MmError.ENOTUSABLE;
        int i = index(pa);
        if (!usable.get(i)) return MmError.ENOTUSABLE;
        if (free.get(i)) return MmError.EDOUBLEFREE;
        free.set(i);
        return 0;
    }
}
