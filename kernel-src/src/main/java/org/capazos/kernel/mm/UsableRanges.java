package org.capazos.kernel.mm;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Shift;
import org.capazos.dsl.Struct;
import org.capazos.dsl.XReg;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * Usable physical memory, correct by construction: the page-aligned spans the PMM may hand out.
 *
 * <p>The rules (the seed's "PMM online" milestone), applied by {@code usable_build} in this order:
 * <ol>
 *   <li>Every device-tree {@code /memory} range {@code [base, base + size)} (a zero size is ignored, the end
 *       saturates at 2^64) is clamped to the <em>window</em> {@code [window_base, limit)} and shrunk to whole
 *       pages (base rounded up, end rounded down). {@code limit} is the smaller of {@code window_end} (the end
 *       of the direct map that is mapped as normal memory) and {@code 2^pa_bits} (the CPU's physical address
 *       range, from ID_AA64MMFR0_EL1.PARange; 64 or more means no limit), rounded down to a page.
 *       The clamped ranges are sorted by base and merged (overlapping or adjacent ranges become one).</li>
 *   <li>The <em>RAM span</em> {@code [ram_lo, ram_hi)} is the first base and the last end of those merged ranges:
 *       the bitmap covers it. The PMM metadata (pmm_state and its two bitmaps, see {@link Pmm#metaPages}) is
 *       sized from it and placed at {@code meta_pa = kernel_phys_end} rounded up to a page ({@link MmError#EMETA}
 *       if kernel_phys_end lies past the limit).</li>
 *   <li>Every device-tree reserved range with a non-zero size is subtracted, widened to whole pages (base
 *       rounded down, end rounded up).</li>
 *   <li>The implicit reservations are subtracted the same way: the boot region
 *       {@code [lowest RAM base, kernel_phys_base)} (lowest RAM base: the smallest base of a /memory range with a
 *       non-zero size, before any clamping), the kernel runtime footprint {@code [kernel_phys_base,
 *       kernel_phys_end)}, the DTB blob {@code [dtb_pa, dtb_pa + dtb_size)} (if dtb_size is not 0). An empty
 *       range ({@code end <= base}) subtracts nothing.</li>
 *   <li>The metadata pages {@code [meta_pa, meta_pa + meta_pages * 4096)} must lie inside one of the spans left
 *       (so they are RAM, in the window, and overlap no reservation); otherwise, or if their end would pass
 *       2^64, the result is {@link MmError#EMETA}. They are then subtracted too.</li>
 * </ol>
 * The output spans {@code {start, end}} (end exclusive) are sorted, non-overlapping, non-adjacent (merged), not
 * empty and page-aligned.
 *
 * <p><b>Bounded count.</b> Normalising n memory ranges gives at most n spans and each subtraction splits at most
 * one span in two, so the output never holds more than {@code mem_count + rsv_count + }{@link #IMPLICIT_RESERVATIONS}
 * spans. {@code usable_build} checks that bound against the caller's capacity <em>before</em> writing anything and
 * returns {@link MmError#E2BIG} if the array might overflow; it then works in the output array in place and
 * never writes past the bound. {@link #MAX_SPANS} is the capacity of the kernel's own array: PlatformInfo's
 * 16 memory and 32 reserved ranges need at most 52.
 *
 * <p><b>ABI</b> (AAPCS64): {@code usable_build(x0 = &mm_layout, x1 = out spans, x2 = capacity in spans)
 * -> x0 = span count (>= 0) or a negative {@link MmError}}. It reads the input fields of {@link #LAYOUT} and fills
 * its output fields ({@code ram_lo, ram_hi, limit_pa, meta_pa, meta_pages}) for {@code pmm_init}. The
 * memory and reserved arrays are given as pointer, count and stride, so any struct whose first two quads are
 * {@code base, size} serves (PlatformInfo's arrays, or a test's). Errors, checked in this order: E2BIG, EINVAL (a
 * stride that is below 16 or not a multiple of 8), ENOMEM (no page of RAM in the window), EMETA. The tests hold
 * the routine to a Java model of exactly these rules ({@code SpanRulesModel}) on thousands of random maps.
 */
public final class UsableRanges {
    public static final long PAGE_SIZE = 4096;
    public static final long PAGE_MASK = PAGE_SIZE - 1;
    /** The implicit reservations: boot region, kernel footprint, DTB, PMM metadata. */
    public static final int IMPLICIT_RESERVATIONS = 4;
    /** The capacity of the kernel's span array ({@code usable_spans}). */
    public static final int MAX_SPANS = 64;
    /** The normal-memory part of the direct map starts at GiB 1 (GiB 0 is mapped as device memory). */
    public static final long DIRECT_MAP_NORMAL_BASE = 1L << 30;

    /** The input and output of {@code usable_build}, and the input of {@code pmm_init}. */
    public static final Struct LAYOUT = Struct.named("mm_layout")
            // ---- inputs
            .u64("mem_ptr")             // /memory ranges: {base, size, ...} records
            .u64("mem_count")
            .u64("mem_stride")          // bytes from one record to the next (>= 16, multiple of 8)
            .u64("rsv_ptr")             // reserved ranges: {base, size, ...} records
            .u64("rsv_count")
            .u64("rsv_stride")
            .u64("kernel_phys_base")    // boot_info.kernel_phys_base
            .u64("kernel_phys_end")     // boot_info.kernel_phys_end (runtime end, .bss included)
            .u64("dtb_pa")              // boot_info.dtb_pa
            .u64("dtb_size")            // boot_info.dtb_size
            .u64("window_base")         // first PA the direct map maps as normal memory
            .u64("window_end")          // end of what the direct map maps as normal memory
            .u64("pa_bits")             // physical address bits (ID_AA64MMFR0_EL1.PARange decoded)
            .u64("hh_offset")           // boot_info.hh_offset: VA = PA + hh_offset (used by pmm_init)
            // ---- outputs of usable_build
            .u64("ram_lo")              // the RAM span the bitmap covers
            .u64("ram_hi")
            .u64("limit_pa")            // min(window_end, 2^pa_bits), page-aligned
            .u64("meta_pa")             // PMM metadata: pmm_state + bitmaps, right after the kernel
            .u64("meta_pages")
            .build();

    /** An output span: {@code [start, end)}. */
    public static final Struct SPAN = Struct.named("usable_span").u64("start").u64("end").build();

    /** Deliberate bugs, for showing that the tests catch them. Never used by the kernel. */
    enum Fault { NONE, RESERVED_END_ROUNDED_DOWN }

    /** {@code usable_build}. */
    public final Label build = new Label("usable_build").global();
    /** {@code span_subtract(x0 = spans, x1 = count, x2 = base, x3 = end) -> x0 = count}: internal. */
    public final Label subtract = new Label("usable_span_subtract");

    private UsableRanges() { }

    public static UsableRanges emit(MacroAssembler a) {
        return emit(a, Fault.NONE);
    }

    static UsableRanges emit(MacroAssembler a, Fault fault) {
        UsableRanges u = new UsableRanges();
        a.text();
        emitSubtract(a, u.subtract, fault);
        emitBuild(a, u);
        return u;
    }

    /** {@code d = min(a + b, 2^64 - 1)}: the end of a range that may run past the top of the address space. */
    private static void saturatingAdd(MacroAssembler a, XReg d, XReg x, XReg y, XReg tmp) {
        a.adds(d, x, y);
        a.csetm(tmp, Condition.CS);
        a.orr(d, d, tmp);
    }

    /**
     * span_subtract(x0 = spans, x1 = n, x2 = base, x3 = end) -> x0 = new n. Removes {@code [base, end)} widened to
     * whole pages from the sorted, disjoint spans, in place; splits at most one span (the caller guarantees room
     * for one more). Leaf, clobbers x0-x15.
     */
    private static void emitSubtract(MacroAssembler a, Label symbol, Fault fault) {
        a.leafFunction(symbol, () -> {
            XReg spans = x0, n = x1, rb = x2, re = x3, i = x4, p = x5, s = x6, e = x7, q = x8, t = x9, t2 = x10;
            Label done = new Label();
            a.cmp(re, rb);
            a.b(Condition.LS, done);                     // empty range: nothing to subtract
            a.and(rb, rb, ~PAGE_MASK);                   // base rounded down
            a.mov(t, -PAGE_SIZE);                        // end rounded up, saturating at the last page
            a.cmp(re, t);
            a.csel(re, t, re, Condition.HI);
            if (fault == Fault.RESERVED_END_ROUNDED_DOWN) {
                a.and(re, re, ~PAGE_MASK);
            } else {
                a.add(re, re, PAGE_MASK);
                a.and(re, re, ~PAGE_MASK);
            }
            a.mov(i, 0L);
            a.loop(() -> {
                a.cmp(i, n);
                a.b(Condition.HS, done);
                a.add(p, spans, i, Shift.LSL, 4);
                a.ldp(s, e, mem(p));
                a.cmp(re, s);
                a.b(Condition.LS, done);                 // this and every later span start at or after end
                a.cmp(rb, e);
                a.ifThen(Condition.HS, () -> {           // span entirely below: next
                    a.add(i, i, 1);
                    a.continueLoop();
                });
                a.cmp(rb, s);
                a.ifThenElse(Condition.LS, () -> {
                    a.cmp(re, e);
                    a.ifThenElse(Condition.HS, () -> {   // covers the whole span: remove it
                        a.add(t2, spans, n, Shift.LSL, 4);
                        a.mov(q, p);
                        a.loop(() -> {
                            a.add(t, q, 16);
                            a.cmp(t, t2);
                            a.breakIf(Condition.HS);
                            a.ldp(s, e, mem(q, 16));
                            a.stp(s, e, postIndex(q, 16));
                        });
                        a.sub(n, n, 1);
                    }, () -> {                           // covers its start: the span now starts at end
                        a.str(re, mem(p));
                        a.b(done);
                    });
                }, () -> {
                    a.cmp(re, e);
                    a.ifThenElse(Condition.HS, () -> {   // covers its end: the span now ends at base
                        a.str(rb, mem(p, 8));
                        a.add(i, i, 1);
                    }, () -> {                           // inside it: split in two
                        a.add(q, spans, n, Shift.LSL, 4);
                        a.loop(() -> {                   // move spans i+1.. up by one
                            a.add(t, p, 16);
                            a.cmp(q, t);
                            a.breakIf(Condition.LS);
                            a.ldp(t, t2, mem(q, -16));
                            a.stp(t, t2, mem(q));
                            a.sub(q, q, 16);
                        });
                        a.str(rb, mem(p, 8));
                        a.stp(re, e, mem(p, 16));
                        a.add(n, n, 1);
                        a.b(done);
                    });
                });
            });
            a.bind(done);
            a.mov(x0, n);
            a.ret();
        });
    }

    private static void emitBuild(MacroAssembler a, UsableRanges u) {
        Struct L = LAYOUT;
        a.function(u.build, new XReg[] {x19, x20, x21, x22, x23, x24, x25, x26, x27, x28}, 0, () -> {
            XReg lay = x19, out = x20, n = x21, i = x22, ptr = x23, limit = x24, lo = x25, lowest = x26,
                    count = x27, stride = x28;
            Label fail = new Label();
            a.mov(lay, x0);
            a.mov(out, x1);

            // ---- the bound: mem_count + rsv_count + 4 spans must fit, checked before anything is written
            a.ldr(x9, L.at(lay, "mem_count"));
            a.ldr(x10, L.at(lay, "rsv_count"));
            a.mov(x0, MmError.E2BIG);
            a.cmp(x9, x2);
            a.b(Condition.HI, fail);
            a.cmp(x10, x2);
            a.b(Condition.HI, fail);
            a.add(x11, x9, x10);
            a.add(x11, x11, IMPLICIT_RESERVATIONS);
            a.cmp(x11, x2);
            a.b(Condition.HI, fail);
            a.mov(x0, MmError.EINVAL);
            for (String f : new String[] {"mem_stride", "rsv_stride"}) {
                a.ldr(x9, L.at(lay, f));
                a.cmp(x9, 16);
                a.b(Condition.LO, fail);
                a.tst(x9, 7L);
                a.b(Condition.NE, fail);
            }

            // ---- limit = min(window_end, 2^pa_bits) rounded down to a page; lo = window_base rounded up
            a.ldr(x9, L.at(lay, "pa_bits"));
            a.mov(limit, -PAGE_SIZE);
            a.cmp(x9, 64);
            a.ifThen(Condition.LO, () -> {
                a.mov(x10, 1L);
                a.lsl(limit, x10, x9);
            });
            a.ldr(x9, L.at(lay, "window_end"));
            a.cmp(x9, limit);
            a.csel(limit, x9, limit, Condition.LO);
            a.and(limit, limit, ~PAGE_MASK);
            a.str(limit, L.at(lay, "limit_pa"));
            a.ldr(lo, L.at(lay, "window_base"));
            a.cmp(lo, limit);
            a.csel(lo, limit, lo, Condition.HI);
            a.add(lo, lo, PAGE_MASK);
            a.and(lo, lo, ~PAGE_MASK);

            // ---- /memory ranges: clamp, shrink to pages, insert sorted by base
            a.mov(n, 0L);
            a.mov(lowest, -1L);
            a.ldr(ptr, L.at(lay, "mem_ptr"));
            a.ldr(count, L.at(lay, "mem_count"));
            a.ldr(stride, L.at(lay, "mem_stride"));
            a.forRange(i, count, () -> {
                XReg b = x9, e = x10, t = x11, j = x12, p = x13, s2 = x14, e2 = x15;
                a.ldp(b, e, mem(ptr));
                a.add(ptr, ptr, stride);
                a.cmp(e, 0);                              // a zero size: ignored
                a.continueIf(Condition.EQ);
                a.cmp(b, lowest);
                a.csel(lowest, b, lowest, Condition.LO);
                saturatingAdd(a, e, b, e, t);
                a.cmp(e, limit);
                a.csel(e, e, limit, Condition.LO);
                a.and(e, e, ~PAGE_MASK);
                a.cmp(b, lo);
                a.csel(b, lo, b, Condition.LO);
                a.cmp(b, e);
                a.continueIf(Condition.HS);
                a.add(b, b, PAGE_MASK);
                a.and(b, b, ~PAGE_MASK);
                a.cmp(b, e);
                a.continueIf(Condition.HS);
                a.mov(j, n);                              // insertion: move larger bases up one
                a.loop(() -> {
                    a.cbz(j, a.loopExit());
                    a.add(p, out, j, Shift.LSL, 4);
                    a.ldp(s2, e2, mem(p, -16));
                    a.cmp(s2, b);
                    a.breakIf(Condition.LS);
                    a.stp(s2, e2, mem(p));
                    a.sub(j, j, 1);
                });
                a.add(p, out, j, Shift.LSL, 4);
                a.stp(b, e, mem(p));
                a.add(n, n, 1);
            });
            a.mov(x0, MmError.ENOMEM);
            a.cbz(n, fail);

            // ---- merge overlapping and adjacent spans
            {
                XReg w = x12, s = x14, e = x15, s2 = x9, e2 = x10, p = x13;
                a.mov(w, out);
                a.ldp(s, e, mem(w));
                a.mov(i, 1L);
                a.whileLoop(() -> {
                    a.cmp(i, n);
                    return Condition.LO;
                }, () -> {
                    a.add(p, out, i, Shift.LSL, 4);
                    a.ldp(s2, e2, mem(p));
                    a.cmp(s2, e);
                    a.ifThenElse(Condition.LS, () -> {
                        a.cmp(e2, e);
                        a.csel(e, e2, e, Condition.HI);
                    }, () -> {
                        a.stp(s, e, postIndex(w, 16));
                        a.mov(s, s2);
                        a.mov(e, e2);
                    });
                    a.add(i, i, 1);
                });
                a.stp(s, e, mem(w));
                a.sub(n, w, out);
                a.lsr(n, n, 4);
                a.add(n, n, 1);
                // the RAM span: first start, last end
                a.ldr(x9, mem(out));
                a.str(x9, L.at(lay, "ram_lo"));
                a.str(e, L.at(lay, "ram_hi"));
            }

            // ---- metadata: Pmm.metaPages(pages of the RAM span) right after the kernel footprint
            a.ldr(x9, L.at(lay, "ram_lo"));
            a.ldr(x10, L.at(lay, "ram_hi"));
            a.sub(x10, x10, x9);
            a.lsr(x10, x10, 12);                         // pages covered
            a.add(x10, x10, 63);
            a.lsr(x10, x10, 6);                          // bitmap words
            a.lsl(x10, x10, 4);                          // two bitmaps, 8 bytes a word each
            a.addImm(x10, x10, Pmm.STATE_AREA + PAGE_MASK);
            a.lsr(x10, x10, 12);                         // meta pages
            a.str(x10, L.at(lay, "meta_pages"));
            a.ldr(x9, L.at(lay, "kernel_phys_end"));
            a.mov(x0, MmError.EMETA);
            a.cmp(x9, limit);
            a.b(Condition.HI, fail);
            a.add(x9, x9, PAGE_MASK);
            a.and(x9, x9, ~PAGE_MASK);
            a.str(x9, L.at(lay, "meta_pa"));

            // ---- device-tree reservations
            a.ldr(ptr, L.at(lay, "rsv_ptr"));
            a.ldr(count, L.at(lay, "rsv_count"));
            a.ldr(stride, L.at(lay, "rsv_stride"));
            a.forRange(i, count, () -> {
                a.ldp(x2, x3, mem(ptr));
                a.add(ptr, ptr, stride);
                a.cmp(x3, 0);
                a.continueIf(Condition.EQ);
                saturatingAdd(a, x3, x2, x3, x9);
                a.mov(x0, out);
                a.mov(x1, n);
                a.call(u.subtract);
                a.mov(n, x0);
            });

            // ---- implicit reservations: boot region, kernel footprint, DTB blob
            Runnable subtract = () -> {
                a.mov(x0, out);
                a.mov(x1, n);
                a.call(u.subtract);
                a.mov(n, x0);
            };
            a.mov(x2, lowest);
            a.ldr(x3, L.at(lay, "kernel_phys_base"));
            subtract.run();
            a.ldr(x2, L.at(lay, "kernel_phys_base"));
            a.ldr(x3, L.at(lay, "kernel_phys_end"));
            subtract.run();
            a.ldr(x2, L.at(lay, "dtb_pa"));
            a.ldr(x3, L.at(lay, "dtb_size"));
            Label noDtb = new Label();
            a.cbz(x3, noDtb);
            saturatingAdd(a, x3, x2, x3, x9);
            subtract.run();
            a.bind(noDtb);

            // ---- the metadata pages must be inside one span; then they are taken out too
            {
                XReg mp = x9, me = x10, p = x11, end = x12, s = x13, e = x14;
                Label found = new Label();
                a.ldr(mp, L.at(lay, "meta_pa"));
                a.ldr(me, L.at(lay, "meta_pages"));
                a.lsl(me, me, 12);                       // < 2^51: fits; the end may not (top of the space)
                saturatingAdd(a, me, mp, me, end);
                a.mov(p, out);
                a.add(end, out, n, Shift.LSL, 4);
                a.loop(() -> {
                    a.cmp(p, end);
                    a.breakIf(Condition.HS);
                    a.ldp(s, e, postIndex(p, 16));
                    a.cmp(s, mp);
                    a.continueIf(Condition.HI);
                    a.cmp(me, e);
                    a.b(Condition.LS, found);
                });
                a.mov(x0, MmError.EMETA);
                a.b(fail);
                a.bind(found);
                a.mov(x2, mp);
                a.mov(x3, me);
                subtract.run();
            }
            a.mov(x0, n);
            a.bind(fail);
            a.leave();
        });
    }
}
