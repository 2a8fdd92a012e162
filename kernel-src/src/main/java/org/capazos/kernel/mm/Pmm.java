package org.capazos.kernel.mm;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Shift;
import org.capazos.dsl.Struct;
import org.capazos.dsl.XReg;
import org.capazos.kernel.boot.BootInfo;
import org.capazos.kernel.fdt.PlatformInfo;
import org.capazos.kernel.lib.Print;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * The bitmap physical memory manager (the seed's "PMM online" milestone): single-core, one bit per 4 KiB page.
 *
 * <p><b>Metadata (bootstrap option B).</b> {@code pmm_state} and two bitmaps live in {@code meta_pages} pages
 * right after the kernel runtime footprint, at {@code meta_pa} (computed and reserved by {@code usable_build}),
 * and are reached through the direct map ({@code phys_to_virt(pa) = pa + hh_offset}):
 * <pre>
 *   meta_pa + 0                         pmm_state ({@link #STATE}, padded to STATE_AREA = 128 bytes)
 *   meta_pa + 128                       free bitmap:   bit i set = page (base_pa + i * 4096) is free
 *   meta_pa + 128 + 8 * word_count      usable bitmap: bit i set = page i was in a usable span at pmm_init
 * </pre>
 * The bitmaps cover the RAM span {@code [ram_lo, ram_hi)} of {@code usable_build}: {@code page_count =
 * (ram_hi - ram_lo) / 4096} bits, {@code word_count = ceil(page_count / 64)} quads each, so
 * {@code meta_pages = ceil((128 + 16 * word_count) / 4096)} ({@link #metaPages}). QEMU virt with 512 MiB: 131072
 * pages, 2048 words, 9 pages of metadata. The invariant {@code free ⊆ usable} is kept by every routine, and
 * {@code free_pages} is the number of set bits in the free bitmap; the usable bitmap never changes after
 * {@code pmm_init}, which is what lets {@code pmm_free_page} refuse a page that was never usable and a page that is
 * already free without touching the bitmap.
 *
 * <p><b>ABI</b> (AAPCS64; every routine may clobber x0-x17 and the flags; errors are negative {@link MmError}s):
 * <ul>
 *   <li>{@code pmm_init(x0 = &mm_layout (after usable_build), x1 = spans, x2 = span count) -> x0 = 0 | error}:
 *       zeroes pmm_state and the bitmaps (nothing else of the metadata pages is touched), marks the spans free
 *       and usable. The spans must be sorted, disjoint,
 *       page-aligned and inside the RAM span (EINVAL otherwise; the PMM then stays uninitialised).</li>
 *   <li>{@code pmm_alloc_page(x0 = &out_pa) -> x0 = 0 | ENOMEM | ENOINIT | EINVAL}: next-fit from the word of the
 *       previous single-page allocation (the hint), lowest free page of the first non-empty word.</li>
 *   <li>{@code pmm_alloc_pages(w0 = count, x1 = &out_pa) -> x0 = 0 | EINVAL (count 0, out null) | ENOMEM | ENOINIT}:
 *       {@code count} physically contiguous pages, the lowest such run (first fit); the run is page-aligned,
 *       no stronger alignment is promised. The search starts at {@code low_word} (no free page below it) and
 *       probes the last page a candidate run needs before anything else: if it is used, the next candidate
 *       starts after it; if it is free, the used page nearest below it (searched downwards a word at a time)
 *       is where the next candidate starts after, if any. On a fragmented bitmap a failed candidate thus
 *       costs a few words and advances by about {@code count} pages, not by one free run.</li>
 *   <li>{@code pmm_free_page(x0 = pa) -> x0 = 0 | EALIGN | ENOTUSABLE | EDOUBLEFREE | ENOINIT}: on an error nothing
 *       changes, and a line {@code PMM: ... 0x<pa>} is printed if the PMM was emitted with a {@link Print}.</li>
 *   <li>{@code pmm_alloc_page_va(x0 = &out_pa or 0) -> x0 = direct-map VA of a new page, or 0}.</li>
 *   <li>{@code pmm_free_count() -> x0}, {@code pmm_total_count() -> x0} (0 before pmm_init).</li>
 *   <li>{@code pmm_self_test() -> x0 = 0 passed | 1 failed} (only with a Print): the KMAIN_DEBUG cycle.</li>
 *   <li>{@code mm_pa_bits(x0 = ID_AA64MMFR0_EL1) -> x0 = physical address bits} (PARange decoded).</li>
 *   <li>{@code pmm_boot_init(x0 = &boot_info, x1 = &platform_info, x2 = window_end, x3 = pa_bits) -> x0 = 0 | error}:
 *       the seed's {@code pmm_init(const boot_info_t*)}: usable_build then pmm_init on the kernel's own
 *       {@code pmm_layout} and {@code usable_spans} (.bss), the window starting at GiB 1.</li>
 * </ul>
 * Pages handed out are not zeroed. {@code pmm_state_ptr} (.bss) holds the state's VA once pmm_init succeeded.
 */
public final class Pmm {
    /** Bytes reserved for pmm_state at the start of the metadata (the bitmaps start after it). */
    public static final long STATE_AREA = 128;
    /** "PMMSTATE" as a little-endian quad. */
    public static final long MAGIC = 0x4554_4154_534D_4D50L;

    public static final Struct STATE = Struct.named("pmm_state")
            .u64("magic")
            .u64("base_pa")         // PA of the page of bit 0 (ram_lo)
            .u64("page_count")      // pages covered by the bitmaps
            .u64("word_count")      // quads in each bitmap
            .u64("free_pages")
            .u64("total_pages")     // usable pages given to pmm_init
            .u64("free_bitmap")     // VA
            .u64("usable_bitmap")   // VA
            .u64("hint")            // next-fit: the word index to start the next single-page search at
            .u64("low_word")        // no free page lies below this word (where pmm_alloc_pages starts)
            .u64("hh_offset")
            .u64("meta_pa")
            .u64("meta_pages")
            .build();

    static {
        if (STATE.size() > STATE_AREA) throw new IllegalStateException("pmm_state outgrew STATE_AREA");
    }

    /** Deliberate bugs, for showing that the tests catch them. Never used by the kernel. */
    enum Fault { NONE, INIT_SPAN_END_INCLUSIVE, ALLOC_SKIP_OFF_BY_ONE, FREE_NO_DOUBLE_FREE_CHECK, FREE_BOUND_OFF_BY_ONE }

    public final UsableRanges usable;
    public final Label statePtr = new Label("pmm_state_ptr").global().object().size(8);
    public final Label init = new Label("pmm_init").global();
    public final Label allocPage = new Label("pmm_alloc_page").global();
    public final Label allocPages = new Label("pmm_alloc_pages").global();
    public final Label freePage = new Label("pmm_free_page").global();
    public final Label allocPageVa = new Label("pmm_alloc_page_va").global();
    public final Label freeCount = new Label("pmm_free_count").global();
    public final Label totalCount = new Label("pmm_total_count").global();
    public final Label paBits = new Label("mm_pa_bits").global();
    public final Label bootInit = new Label("pmm_boot_init").global();
    /** The kernel's mm_layout and span array ({@code pmm_boot_init} fills them; .bss). */
    public final Label layout = new Label("pmm_layout").global().object().size(UsableRanges.LAYOUT.size());
    public final Label spans = new Label("usable_spans").global().object()
            .size(UsableRanges.MAX_SPANS * UsableRanges.SPAN.size());
    public final Label spanCount = new Label("usable_span_count").global().object().size(8);
    /** Null when emitted without a Print. */
    public final Label selfTest;
    private final Label report = new Label("pmm_report");
    private final Print print;

    private Pmm(UsableRanges usable, Print print) {
        this.usable = usable;
        this.print = print;
        this.selfTest = print == null ? null : new Label("pmm_self_test").global();
    }

    /** The metadata pages for a RAM span of {@code pages} pages (what usable_build computes). */
    public static long metaPages(long pages) {
        long words = (pages + 63) >>> 6;
        return (STATE_AREA + 16 * words + UsableRanges.PAGE_MASK) >>> 12;
    }

    /**
     * Emits usable_build and the PMM routines into {@code a}'s .text (and pmm_state_ptr into .bss).
     *
     * @param print the console, for {@code PMM: ...} error reports and {@code pmm_self_test}; may be null
     */
    public static Pmm emit(MacroAssembler a, Print print) {
        return emit(a, print, Fault.NONE, UsableRanges.Fault.NONE);
    }

    static Pmm emit(MacroAssembler a, Print print, Fault fault, UsableRanges.Fault usableFault) {
        Pmm p = new Pmm(UsableRanges.emit(a, usableFault), print);
        a.bss();
        a.align(8);
        a.bind(p.statePtr);
        a.space(8);
        a.bind(p.spanCount);
        a.space(8);
        a.bind(p.layout);
        a.space((int) UsableRanges.LAYOUT.size());
        a.bind(p.spans);
        a.space((int) (UsableRanges.MAX_SPANS * UsableRanges.SPAN.size()));
        a.text();
        p.emitInit(a, fault);
        p.emitAllocPage(a);
        p.emitAllocPages(a, fault);
        p.emitFreePage(a, fault);
        p.emitReport(a);
        p.emitAllocPageVa(a);
        p.emitCounters(a);
        p.emitPaBits(a);
        p.emitBootInit(a);
        if (print != null) p.emitSelfTest(a);
        return p;
    }

    /** {@code state = *pmm_state_ptr; if (!state) return ENOINIT} (x0 set to ENOINIT on that path only). */
    private void loadState(MacroAssembler a, XReg state, Label noInit) {
        a.adrl(state, statePtr);
        a.ldr(state, mem(state));
        a.cbz(state, noInit);
    }

    private static void returnCode(MacroAssembler a, Label at, long code) {
        a.bind(at);
        a.mov(x0, code);
        a.ret();
    }

    /**
     * Sets ({@code set}) or clears bits {@code [first, first + count)} of the bitmap at {@code bm}, a word at a
     * time. Clobbers first, count and t1-t4; count must be > 0.
     */
    private static void bitRange(MacroAssembler a, boolean set, XReg bm, XReg first, XReg count,
                                 XReg t1, XReg t2, XReg t3, XReg t4) {
        XReg len = t1, mask = t2, word = t3, addr = t4;
        a.doWhile(() -> {
            a.and(mask, first, 63L);                      // offset in the word
            a.mov(len, 64L);
            a.sub(len, len, mask);                        // room left in the word
            a.cmp(len, count);
            a.csel(len, len, count, Condition.LO);        // len = min(64 - offset, count), 1..64
            a.neg(word, len);                             // (64 - len) mod 64
            a.mov(addr, -1L);
            a.lsr(word, addr, word);                      // len ones
            a.lsl(mask, word, mask);                      // at the offset
            a.lsr(addr, first, 6);
            a.add(addr, bm, addr, Shift.LSL, 3);
            a.ldr(word, mem(addr));
            if (set) a.orr(word, word, mask);
            else a.bic(word, word, mask);
            a.str(word, mem(addr));
            a.add(first, first, len);
            a.subs(count, count, len);
        }, () -> Condition.NE);
    }

    // ---- pmm_init ---------------------------------------------------------------------------------------------

    private void emitInit(MacroAssembler a, Fault fault) {
        Struct L = UsableRanges.LAYOUT, S = STATE;
        a.leafFunction(init, () -> {
            XReg lay = x0, spans = x1, n = x2, st = x3, lo = x4, hi = x5, words = x6, fbm = x7, ubm = x8,
                    total = x13, prev = x14, i = x15;
            Label bad = new Label();
            a.adrl(x9, statePtr);
            a.str(xzr, mem(x9));                          // uninitialised until this succeeds
            a.ldr(st, L.at(lay, "meta_pa"));
            a.ldr(x9, L.at(lay, "hh_offset"));
            a.add(st, st, x9);                            // phys_to_virt(meta_pa)
            a.ldr(lo, L.at(lay, "ram_lo"));
            a.ldr(hi, L.at(lay, "ram_hi"));
            a.orr(x9, lo, hi);
            a.tst(x9, UsableRanges.PAGE_MASK);
            a.b(Condition.NE, bad);
            a.cmp(lo, hi);
            a.b(Condition.HS, bad);
            a.sub(words, hi, lo);
            a.lsr(words, words, 12);
            a.add(words, words, 63);
            a.lsr(words, words, 6);
            // the metadata pages must hold pmm_state and both bitmaps
            a.ldr(x9, L.at(lay, "meta_pages"));
            a.lsl(x9, x9, 12);
            a.lsl(x10, words, 4);
            a.add(x10, x10, STATE_AREA);
            a.cmp(x10, x9);
            a.b(Condition.HI, bad);
            // zero pmm_state and both bitmaps (x10 bytes, a multiple of 16; the rest of the last page is unused)
            a.add(x9, st, x10);
            a.mov(x10, st);
            a.doWhile(() -> a.stp(xzr, xzr, postIndex(x10, 16)), () -> {
                a.cmp(x10, x9);
                return Condition.LO;
            });
            a.add(fbm, st, STATE_AREA);
            a.add(ubm, fbm, words, Shift.LSL, 3);
            // the spans: sorted, disjoint, page-aligned, inside [lo, hi)
            a.mov(total, 0L);
            a.mov(prev, lo);
            a.forRange(i, n, () -> {
                XReg s = x9, e = x10, first = x11, count = x12;
                Runnable load = () -> {                   // first page index and page count of span i
                    a.add(x11, spans, i, Shift.LSL, 4);
                    a.ldp(s, e, mem(x11));
                    a.sub(count, e, s);
                    a.lsr(count, count, 12);
                    if (fault == Fault.INIT_SPAN_END_INCLUSIVE) a.add(count, count, 1);
                    a.sub(first, s, lo);
                    a.lsr(first, first, 12);
                };
                a.add(x11, spans, i, Shift.LSL, 4);
                a.ldp(s, e, mem(x11));
                a.orr(x11, s, e);
                a.tst(x11, UsableRanges.PAGE_MASK);
                a.b(Condition.NE, bad);
                a.cmp(s, prev);
                a.b(Condition.LO, bad);
                a.cmp(e, s);
                a.b(Condition.LS, bad);
                a.cmp(e, hi);
                a.b(Condition.HI, bad);
                a.mov(prev, e);
                load.run();
                a.add(total, total, count);
                bitRange(a, true, fbm, first, count, x9, x10, x16, x17);
                load.run();
                bitRange(a, true, ubm, first, count, x9, x10, x16, x17);
            });
            a.mov(x9, MAGIC);
            a.str(x9, S.at(st, "magic"));
            a.str(lo, S.at(st, "base_pa"));
            a.sub(x9, hi, lo);
            a.lsr(x9, x9, 12);
            a.str(x9, S.at(st, "page_count"));
            a.str(words, S.at(st, "word_count"));
            a.str(total, S.at(st, "free_pages"));
            a.str(total, S.at(st, "total_pages"));
            a.str(fbm, S.at(st, "free_bitmap"));
            a.str(ubm, S.at(st, "usable_bitmap"));
            a.str(xzr, S.at(st, "hint"));
            a.str(xzr, S.at(st, "low_word"));
            a.ldr(x9, L.at(lay, "hh_offset"));
            a.str(x9, S.at(st, "hh_offset"));
            a.ldr(x9, L.at(lay, "meta_pa"));
            a.str(x9, S.at(st, "meta_pa"));
            a.ldr(x9, L.at(lay, "meta_pages"));
            a.str(x9, S.at(st, "meta_pages"));
            a.adrl(x9, statePtr);
            a.str(st, mem(x9));
            a.mov(x0, 0L);
            a.ret();
            returnCode(a, bad, MmError.EINVAL);
        });
    }

    // ---- pmm_alloc_page ---------------------------------------------------------------------------------------

    private void emitAllocPage(MacroAssembler a) {
        Struct S = STATE;
        a.leafFunction(allocPage, () -> {
            XReg out = x0, st = x9, free = x10, bm = x11, w = x12, words = x13, left = x14, bits = x15, bit = x16;
            Label noInit = new Label(), inval = new Label(), noMem = new Label(), corrupt = new Label(),
                    found = new Label(), scan = new Label();
            a.cbz(out, inval);
            loadState(a, st, noInit);
            a.ldr(free, S.at(st, "free_pages"));
            a.cbz(free, noMem);
            a.ldr(bm, S.at(st, "free_bitmap"));
            a.ldr(w, S.at(st, "hint"));
            a.ldr(words, S.at(st, "word_count"));
            a.mov(left, words);
            a.bind(scan);                                  // next fit: the first word with a free page
            a.ldr(bits, mem(bm, w, Shift.LSL, 3));
            a.cbnz(bits, found);
            a.add(w, w, 1);
            a.cmp(w, words);
            a.csel(w, xzr, w, Condition.HS);
            a.subs(left, left, 1);
            a.b(Condition.NE, scan);
            a.b(corrupt);                                  // free_pages > 0 but no bit set
            a.bind(found);
            a.rbit(bit, bits);
            a.clz(bit, bit);                               // lowest set bit
            a.mov(x17, 1L);
            a.lsl(x17, x17, bit);
            a.bic(bits, bits, x17);
            a.str(bits, mem(bm, w, Shift.LSL, 3));
            a.sub(free, free, 1);
            a.str(free, S.at(st, "free_pages"));
            a.str(w, S.at(st, "hint"));
            a.add(bit, bit, w, Shift.LSL, 6);              // page index
            a.ldr(x17, S.at(st, "base_pa"));
            a.add(x17, x17, bit, Shift.LSL, 12);
            a.str(x17, mem(out));
            a.mov(x0, 0L);
            a.ret();
            returnCode(a, inval, MmError.EINVAL);
            returnCode(a, noInit, MmError.ENOINIT);
            returnCode(a, noMem, MmError.ENOMEM);
            returnCode(a, corrupt, MmError.ECORRUPT);
        });
    }

    // ---- pmm_alloc_pages --------------------------------------------------------------------------------------

    private void emitAllocPages(MacroAssembler a, Fault fault) {
        Struct S = STATE;
        a.leafFunction(allocPages, () -> {
            XReg count = x2, out = x1, st = x9, bm = x11, pages = x12, words = x13, p = x3, wi = x4, bits = x6,
                    limit = x7, t = x8, first = x15;
            Label noInit = new Label(), inval = new Label(), noMem = new Label(), search = new Label(),
                    got = new Label(), got2 = new Label(), found = new Label(), nextSet = new Label(),
                    nextClear = new Label(), notFirst = new Label(), probeFree = new Label();
            a.mov(count.w(), w0);                          // the count is a uint32_t
            a.cbz(out, inval);
            a.cbz(count, inval);
            loadState(a, st, noInit);
            a.ldr(x10, S.at(st, "free_pages"));
            a.cmp(count, x10);
            a.b(Condition.HI, noMem);
            a.ldr(bm, S.at(st, "free_bitmap"));
            a.ldr(pages, S.at(st, "page_count"));
            a.ldr(words, S.at(st, "word_count"));
            a.ldr(p, S.at(st, "low_word"));                // no page below this word is free
            a.lsl(p, p, 6);
            a.mov(first, 1L);

            // start = the first free page at or after p
            a.bind(search);
            a.lsr(wi, p, 6);
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            a.mov(t, -1L);
            a.lsl(t, t, p);                                // ones from bit (p mod 64) up
            a.and(bits, bits, t);
            a.bind(nextSet);
            a.cbnz(bits, got);
            a.add(wi, wi, 1);
            a.cmp(wi, words);
            a.b(Condition.HS, noMem);
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            a.b(nextSet);
            a.bind(got);
            a.cbz(first, notFirst);                        // the search from low_word found its first free
            a.str(wi, S.at(st, "low_word"));               // page: raise the hint to its word
            a.mov(first, 0L);
            a.bind(notFirst);
            a.rbit(bits, bits);
            a.clz(bits, bits);
            a.add(p, bits, wi, Shift.LSL, 6);              // start of a free run
            a.add(limit, p, count);
            a.cmp(limit, pages);
            a.b(Condition.HI, noMem);

            // skip test: every run of count pages starting in [start, limit) covers page limit - 1, so if that
            // page is used no candidate before limit can work (this jumps over short free runs wholesale)
            a.sub(t, limit, fault == Fault.ALLOC_SKIP_OFF_BY_ONE ? 0 : 1);  // t: the probed page
            a.lsr(wi, t, 6);
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            a.lsr(bits, bits, t);
            a.tbnz(bits, 0, probeFree);
            a.add(p, t, 1);
            a.b(search);

            // the probed page u = limit - 1 is free: look for the last used page in [start, u), from u down;
            // if there is one at i, no run can start at or below i, so the next candidate starts at i + 1
            XReg u = t, h = x5, ones = x14;
            a.bind(probeFree);
            a.cmp(u, p);
            a.b(Condition.EQ, found);                      // count == 1
            a.sub(h, u, 1);                                // the highest page to look at
            a.lsr(wi, h, 6);
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            a.mvn(bits, bits);                             // used pages
            a.mvn(h, h);
            a.mov(ones, -1L);
            a.lsr(h, ones, h);                             // bits 0..(h mod 64): shift by (63 - h) mod 64
            a.and(bits, bits, h);
            a.bind(nextClear);
            a.cbnz(bits, got2);
            a.lsl(h, wi, 6);
            a.cmp(h, p);
            a.b(Condition.LS, found);                      // this word starts at or below start: all free
            a.sub(wi, wi, 1);
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            a.mvn(bits, bits);
            a.b(nextClear);
            a.bind(got2);
            a.clz(bits, bits);
            a.mov(h, 63L);
            a.sub(bits, h, bits);
            a.add(h, bits, wi, Shift.LSL, 6);              // the last used page below u
            a.cmp(h, p);
            a.b(Condition.LO, found);                      // below start: [start, limit) is free
            a.add(p, h, 1);
            a.b(search);

            a.bind(found);                                 // [p, p + count) is free: take it
            a.ldr(x10, S.at(st, "free_pages"));
            a.sub(x10, x10, count);
            a.str(x10, S.at(st, "free_pages"));
            a.ldr(x10, S.at(st, "base_pa"));
            a.add(x10, x10, p, Shift.LSL, 12);
            a.str(x10, mem(out));
            bitRange(a, false, bm, p, count, x4, x5, x6, x7);
            a.mov(x0, 0L);
            a.ret();
            returnCode(a, inval, MmError.EINVAL);
            returnCode(a, noInit, MmError.ENOINIT);
            returnCode(a, noMem, MmError.ENOMEM);
        });
    }

    // ---- pmm_free_page ----------------------------------------------------------------------------------------

    private void emitFreePage(MacroAssembler a, Fault fault) {
        Struct S = STATE;
        a.leafFunction(freePage, () -> {
            XReg pa = x1, st = x9, idx = x11, wi = x13, bm = x14, bits = x15, t = x16;
            Label noInit = new Label(), unaligned = new Label(), notUsable = new Label(), doubleFree = new Label();
            a.mov(pa, x0);
            loadState(a, st, noInit);
            a.tst(pa, UsableRanges.PAGE_MASK);
            a.b(Condition.NE, unaligned);
            a.ldr(x10, S.at(st, "base_pa"));
            a.subs(idx, pa, x10);
            a.b(Condition.LO, notUsable);
            a.lsr(idx, idx, 12);
            a.ldr(x12, S.at(st, "page_count"));
            a.cmp(idx, x12);
            a.b(fault == Fault.FREE_BOUND_OFF_BY_ONE ? Condition.HI : Condition.HS, notUsable);
            a.lsr(wi, idx, 6);
            a.ldr(bm, S.at(st, "usable_bitmap"));
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            a.lsr(t, bits, idx);                           // register shifts take idx mod 64: the bit
            a.tbz(t, 0, notUsable);
            a.ldr(bm, S.at(st, "free_bitmap"));
            a.ldr(bits, mem(bm, wi, Shift.LSL, 3));
            if (fault != Fault.FREE_NO_DOUBLE_FREE_CHECK) {
                a.lsr(t, bits, idx);
                a.tbnz(t, 0, doubleFree);
            }
            a.mov(t, 1L);
            a.lsl(t, t, idx);
            a.orr(bits, bits, t);
            a.str(bits, mem(bm, wi, Shift.LSL, 3));
            a.ldr(x10, S.at(st, "low_word"));              // keep low_word a lower bound of the free pages
            a.cmp(wi, x10);
            a.csel(x10, wi, x10, Condition.LO);
            a.str(x10, S.at(st, "low_word"));
            a.ldr(x10, S.at(st, "free_pages"));
            a.add(x10, x10, 1);
            a.str(x10, S.at(st, "free_pages"));
            a.mov(x0, 0L);
            a.ret();
            // the errors: x0 = message, x1 = pa, x2 = code; pmm_report prints and returns the code
            String[][] errors = {
                    {"PMM: free before pmm_init: ", Long.toString(MmError.ENOINIT)},
                    {"PMM: free of an unaligned address ", Long.toString(MmError.EALIGN)},
                    {"PMM: free of a page that was never usable ", Long.toString(MmError.ENOTUSABLE)},
                    {"PMM: double free of page ", Long.toString(MmError.EDOUBLEFREE)}};
            Label[] at = {noInit, unaligned, notUsable, doubleFree};
            for (int k = 0; k < at.length; k++) {
                a.bind(at[k]);
                a.adrl(x0, a.cstring(errors[k][0]));
                a.mov(x2, Long.parseLong(errors[k][1]));
                a.b(report);
            }
        });
    }

    /** pmm_report(x0 = message, x1 = pa, x2 = code) -> x0 = code: prints "message 0x<pa>\n" if there is a Print. */
    private void emitReport(MacroAssembler a) {
        if (print == null) {
            a.leafFunction(report, () -> {
                a.mov(x0, x2);
                a.ret();
            });
            return;
        }
        a.function(report, new XReg[] {x19, x20}, 0, () -> {
            a.mov(x19, x1);
            a.mov(x20, x2);
            a.call(print.puts);
            a.mov(x0, x19);
            a.call(print.putHex);
            print.print("\n");
            a.mov(x0, x20);
            a.leave();
        });
    }

    // ---- pmm_alloc_page_va, counters, PARange ------------------------------------------------------------------

    private void emitAllocPageVa(MacroAssembler a) {
        a.function(allocPageVa, new XReg[] {x19}, 16, () -> {
            int slot = a.currentFunction().localsOffset();
            Label fail = new Label(), noOut = new Label();
            a.mov(x19, x0);
            a.add(x0, sp, slot);
            a.call(allocPage);
            a.cbnz(x0, fail);
            a.ldr(x0, mem(sp, slot));
            a.cbz(x19, noOut);
            a.str(x0, mem(x19));
            a.bind(noOut);
            a.adrl(x9, statePtr);
            a.ldr(x9, mem(x9));
            a.ldr(x9, STATE.at(x9, "hh_offset"));
            a.add(x0, x0, x9);                             // phys_to_virt
            a.leave();
            a.bind(fail);
            a.mov(x0, 0L);
            a.leave();
        });
    }

    private void emitCounters(MacroAssembler a) {
        for (Object[] c : new Object[][] {{freeCount, "free_pages"}, {totalCount, "total_pages"}}) {
            a.leafFunction((Label) c[0], () -> {
                Label none = new Label();
                a.adrl(x9, statePtr);
                a.ldr(x9, mem(x9));
                a.mov(x0, 0L);
                a.cbz(x9, none);
                a.ldr(x0, STATE.at(x9, (String) c[1]));
                a.bind(none);
                a.ret();
            });
        }
    }

    /** mm_pa_bits(x0 = ID_AA64MMFR0_EL1) -> x0: PARange 0..6 as 32, 36, 40, 42, 44, 48, 52 bits (else 48). */
    private void emitPaBits(MacroAssembler a) {
        Label table = new Label();
        a.leafFunction(paBits, () -> {
            a.and(x0, x0, 0xfL);
            a.cmp(x0, 6);
            a.mov(x9, 5L);
            a.csel(x0, x0, x9, Condition.LS);              // reserved encodings: assume 48 bits
            a.adrl(x9, table);
            a.ldrb(w0, mem(x9, x0));
            a.ret();
        });
        a.rodata();
        a.bind(table);
        for (int bits : org.capazos.kernel.arch.Mmu.PA_BITS) a.byte_(bits);
        a.text();
    }

    /**
     * pmm_boot_init(x0 = &boot_info, x1 = &platform_info, x2 = window_end, x3 = pa_bits) -> x0 = 0 | error:
     * fills {@code pmm_layout} from boot_info (kernel footprint, DTB, hh_offset) and platform_info (/memory and
     * reserved arrays), runs usable_build into {@code usable_spans} and pmm_init on them. The seed's
     * {@code pmm_init(const boot_info_t*)}. Both pointers are direct-map (kernel) addresses.
     */
    private void emitBootInit(MacroAssembler a) {
        Struct L = UsableRanges.LAYOUT, B = BootInfo.LAYOUT, P = PlatformInfo.LAYOUT;
        a.function(bootInit, new XReg[] {x19, x20}, 0, () -> {
            XReg lay = x19, bi = x9, pi = x10, v = x11;
            Label fail = new Label();
            a.mov(bi, x0);
            a.mov(pi, x1);
            a.adrl(lay, layout);
            a.addImm(v, pi, P.offset("memory"));
            a.str(v, L.at(lay, "mem_ptr"));
            a.ldr(v, P.at(pi, "memory_count"));
            a.str(v, L.at(lay, "mem_count"));
            a.mov(v, PlatformInfo.RANGE.size());
            a.str(v, L.at(lay, "mem_stride"));
            a.addImm(v, pi, P.offset("reserved"));
            a.str(v, L.at(lay, "rsv_ptr"));
            a.ldr(v, P.at(pi, "reserved_count"));
            a.str(v, L.at(lay, "rsv_count"));
            a.mov(v, PlatformInfo.RESERVED.size());
            a.str(v, L.at(lay, "rsv_stride"));
            for (String f : new String[] {"kernel_phys_base", "kernel_phys_end", "dtb_pa", "dtb_size", "hh_offset"}) {
                a.ldr(v, B.at(bi, f));
                a.str(v, L.at(lay, f));
            }
            a.mov(v, UsableRanges.DIRECT_MAP_NORMAL_BASE);
            a.str(v, L.at(lay, "window_base"));
            a.str(x2, L.at(lay, "window_end"));
            a.str(x3, L.at(lay, "pa_bits"));
            a.mov(x0, lay);
            a.adrl(x1, spans);
            a.mov(x2, (long) UsableRanges.MAX_SPANS);
            a.call(usable.build);
            a.tbnz(x0, 63, fail);                          // a negative error
            a.adrl(x9, spanCount);
            a.str(x0, mem(x9));
            a.mov(x2, x0);
            a.mov(x0, lay);
            a.adrl(x1, spans);
            a.call(init);
            a.bind(fail);
            a.leave();
        });
    }

    // ---- pmm_self_test ----------------------------------------------------------------------------------------

    /** The cycle kmain runs with KMAIN_DEBUG=1; prints through {@link #print}, returns 0 if the counters came back. */
    private void emitSelfTest(MacroAssembler a) {
        final int singles = 4, run = 8;
        Label counters = new Label("pmm_print_counters");
        a.function(counters, new XReg[] {x19}, 0, () -> {
            print.print("PMM(free/total): ");
            a.call(freeCount);
            a.call(print.putDec);
            print.print("/");
            a.call(totalCount);
            a.call(print.putDec);
            print.print("\n");
            a.leave();
        });
        a.function(selfTest, new XReg[] {x19, x20, x21, x23, x24}, 8 * singles + 16, () -> {
            int slots = a.currentFunction().localsOffset();
            XReg free0 = x19, total0 = x20, i = x21, pa = x23, n = x24;
            Label failed = new Label();
            a.call(freeCount);
            a.mov(free0, x0);
            a.call(totalCount);
            a.mov(total0, x0);
            a.call(counters);
            // single pages
            a.mov(n, (long) singles);
            a.forRange(i, n, () -> {
                a.add(x0, sp, slots);
                a.add(x0, x0, i, Shift.LSL, 3);
                a.call(allocPage);
                a.cbnz(x0, failed);
                a.add(x9, sp, slots);
                a.ldr(pa, mem(x9, i, Shift.LSL, 3));
                print.print("PMM: alloc_page -> ");
                a.mov(x0, pa);
                a.call(print.putHex);
                print.print("\n");
            });
            a.call(counters);
            a.forRange(i, n, () -> {
                a.add(x9, sp, slots);
                a.ldr(x0, mem(x9, i, Shift.LSL, 3));
                a.call(freePage);
                a.cbnz(x0, failed);
            });
            a.call(counters);
            // a contiguous run
            a.mov(w0, (long) run);
            a.add(x1, sp, slots);
            a.call(allocPages);
            a.cbnz(x0, failed);
            a.ldr(pa, mem(sp, slots));
            print.print("PMM: alloc_pages(" + run + ") -> ");
            a.mov(x0, pa);
            a.call(print.putHex);
            print.print("\n");
            a.call(counters);
            a.mov(n, (long) run);
            a.forRange(i, n, () -> {
                a.add(x0, pa, i, Shift.LSL, 12);
                a.call(freePage);
                a.cbnz(x0, failed);
            });
            a.call(counters);
            // a direct-map address
            a.add(x0, sp, slots);
            a.call(allocPageVa);
            a.cbz(x0, failed);
            a.mov(n, x0);
            a.ldr(pa, mem(sp, slots));
            print.print("PMM: alloc_page_va -> ");
            a.mov(x0, n);
            a.call(print.putHex);
            print.print(" (pa ");
            a.mov(x0, pa);
            a.call(print.putHex);
            print.print(")\n");
            a.mov(x0, pa);
            a.call(freePage);
            a.cbnz(x0, failed);
            // a double free must be refused (the PMM prints its own line) and change nothing
            a.add(x0, sp, slots);
            a.call(allocPage);
            a.cbnz(x0, failed);
            a.ldr(pa, mem(sp, slots));
            a.mov(x0, pa);
            a.call(freePage);
            a.cbnz(x0, failed);
            print.print("PMM: freeing it again, a double free that must be refused:\n");
            a.mov(x0, pa);
            a.call(freePage);
            a.cmpImm(x0, MmError.EDOUBLEFREE);
            a.b(Condition.NE, failed);
            a.call(counters);
            a.call(freeCount);
            a.cmp(x0, free0);
            a.b(Condition.NE, failed);
            a.call(totalCount);
            a.cmp(x0, total0);
            a.b(Condition.NE, failed);
            print.print("PMM: self-test passed\n");
            a.mov(x0, 0L);
            a.leave();
            a.bind(failed);
            print.print("PMM: self-test FAILED\n");
            a.call(counters);
            a.mov(x0, 1L);
            a.leave();
        });
    }
}
