package org.capazos.kernel.mm;

import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Struct;
import org.capazos.harness.emu.Emulator;
import org.capazos.kernel.drivers.Pl011;
import org.capazos.kernel.lib.Print;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The mm routines linked alone (with the console routines they print through) and run in the emulator: writes
 * the inputs into byte-exact buffers, calls by symbol, reads the answers back.
 *
 * <p>Buffers: the layout; the /memory and reserved arrays, each placed so that it ends exactly at the end of its
 * buffer (reading one record too many faults); the span array likewise, its capacity ending at the buffer end
 * (writing one span too many faults); the PMM metadata at {@link #META_VA}, exactly {@code meta_pages} pages
 * (with {@code hh_offset = META_VA - meta_pa}, so phys_to_virt lands there), exactly the bytes of
 * pmm_state and the two bitmaps, so that a bitmap access one word out of bounds faults.
 */
final class MmRig implements AutoCloseable {
    static final long LINK_BASE = 0x4008_0000L;
    static final long LAYOUT_VA = 0x6000_0000L;
    static final long MEM_VA = 0x6001_0000L, RSV_VA = 0x6002_0000L, SPANS_VA = 0x6003_0000L, OUT_VA = 0x6004_0000L;
    static final int MAX_RECORDS = 80, MAX_STRIDE = 32;
    static final long META_VA = 0x1_0000_0000L;
    static final Struct L = UsableRanges.LAYOUT;

    final Emulator emu;
    final Pmm pmm;
    private boolean metaMapped;
    long metaPa, metaPages, metaBytes, hhOffset;
    /** Where the last usable_build wrote its spans. */
    long spansVa;
    /** The instructions pmm_init took. */
    long initInstructions;

    MmRig() {
        this(Pmm.Fault.NONE, UsableRanges.Fault.NONE);
    }

    MmRig(Pmm.Fault fault, UsableRanges.Fault usableFault) {
        this(fault, usableFault, false);
    }

    /** With {@code withFdt}, fdt_parse is linked in too (for the device tree to PMM path). */
    MmRig(Pmm.Fault fault, UsableRanges.Fault usableFault, boolean withFdt) {
        ModuleBuilder mb = new ModuleBuilder("mm-test");
        MacroAssembler a = new MacroAssembler(mb);
        Pl011 uart = Pl011.emit(a, null, Emulator.DEFAULT_UART_BASE);
        Print print = Print.emit(a, uart);
        if (withFdt) org.capazos.kernel.fdt.Fdt.emit(a);
        pmm = Pmm.emit(a, print, fault, usableFault);
        emu = Emulator.link(List.of(mb.build()), LINK_BASE);
        emu.mapExact("mm_layout", LAYOUT_VA, L.size(), true);
        emu.mapExact("memory ranges", MEM_VA, (long) MAX_RECORDS * MAX_STRIDE, false);
        emu.mapExact("reserved ranges", RSV_VA, (long) MAX_RECORDS * MAX_STRIDE, false);
        emu.mapExact("usable spans", SPANS_VA, UsableRanges.MAX_SPANS * 16L, true);
        emu.mapExact("out_pa", OUT_VA, 8, true);
    }

    /** Writes {@code ranges} as records of {@code stride} bytes ending at the end of the buffer at {@code va}. */
    private long writeRanges(long va, List<SpanRulesModel.Range> ranges, long stride, Random fill) {
        if (stride < 16 || stride % 8 != 0 || stride > MAX_STRIDE) stride = MAX_STRIDE; // refused before any read
        long end = va + (long) MAX_RECORDS * MAX_STRIDE;
        long start = end - ranges.size() * stride;
        byte[] bytes = new byte[(int) (ranges.size() * stride)];
        for (int i = 0; i < ranges.size(); i++) {
            int at = (int) (i * stride);
            putLong(bytes, at, ranges.get(i).base());
            putLong(bytes, at + 8, ranges.get(i).size());
            for (int k = 16; k < stride; k += 8) putLong(bytes, at + k, fill.nextLong()); // e.g. a "source" field
        }
        if (bytes.length > 0) emu.write(start, bytes);
        return start;
    }

    static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    void setLayout(String field, long value) {
        emu.writeLong(LAYOUT_VA + L.offset(field), value);
    }

    long layout(String field) {
        return emu.readLong(LAYOUT_VA + L.offset(field));
    }

    /** The span array's address for a capacity (the capacity ends where the buffer ends). */
    static long spansFor(int capacity) {
        return SPANS_VA + (UsableRanges.MAX_SPANS - capacity) * 16L;
    }

    /** usable_build on {@code in}; the result read back in the model's shape. */
    SpanRulesModel.Result usableBuild(SpanRulesModel.Input in) {
        Random fill = new Random(in.hashCode());
        if (in.memory().size() > MAX_RECORDS || in.reserved().size() > MAX_RECORDS)
            throw new IllegalArgumentException("too many records for the rig");
        emu.write(LAYOUT_VA, new byte[(int) L.size()]);
        setLayout("mem_ptr", writeRanges(MEM_VA, in.memory(), in.memStride(), fill));
        setLayout("mem_count", in.memory().size());
        setLayout("mem_stride", in.memStride());
        setLayout("rsv_ptr", writeRanges(RSV_VA, in.reserved(), in.rsvStride(), fill));
        setLayout("rsv_count", in.reserved().size());
        setLayout("rsv_stride", in.rsvStride());
        setLayout("kernel_phys_base", in.kernelBase());
        setLayout("kernel_phys_end", in.kernelEnd());
        setLayout("dtb_pa", in.dtbPa());
        setLayout("dtb_size", in.dtbSize());
        setLayout("window_base", in.windowBase());
        setLayout("window_end", in.windowEnd());
        setLayout("pa_bits", in.paBits());
        long spans = spansFor(in.capacity());
        spansVa = spans;
        long n = emu.call("usable_build", LAYOUT_VA, spans, in.capacity());
        if (n < 0) return SpanRulesModel.Result.error(n);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new long[] {emu.readLong(spans + 16L * i), emu.readLong(spans + 16L * i + 8)});
        return new SpanRulesModel.Result(n, out, layout("ram_lo"), layout("ram_hi"), layout("limit_pa"),
                layout("meta_pa"), layout("meta_pages"));
    }

    /**
     * Maps the metadata usable_build placed (exactly pmm_state and the bitmaps) at {@link #META_VA} and chooses
     * {@code hh_offset} so that phys_to_virt(meta_pa) lands there; returns that hh_offset.
     */
    long mapMetadata(SpanRulesModel.Result r) {
        if (metaMapped) throw new IllegalStateException("one PMM per rig");
        metaPa = r.metaPa();
        metaPages = r.metaPages();
        hhOffset = META_VA - metaPa;
        long words = ((r.ramHi() - r.ramLo()) / 4096 + 63) / 64;
        metaBytes = Pmm.STATE_AREA + 16 * words;            // what the PMM may touch, to the byte
        if (metaBytes > metaPages * 4096) throw new AssertionError("metadata larger than its pages");
        emu.mapExact("pmm metadata", META_VA, metaBytes, true);
        metaMapped = true;
        return hhOffset;
    }

    /** Maps the metadata pages usable_build placed and runs pmm_init on its spans; returns pmm_init's answer. */
    long pmmInit(SpanRulesModel.Result r) {
        setLayout("hh_offset", mapMetadata(r));
        long code = emu.call("pmm_init", LAYOUT_VA, spansVa, r.spans().size());
        initInstructions = emu.instructionsExecuted();
        return code;
    }

    /** pmm_alloc_page: the PA, or the negative error. */
    long allocPage() {
        emu.writeLong(OUT_VA, 0xbad0_bad0L);
        long r = emu.call("pmm_alloc_page", OUT_VA);
        return r == 0 ? emu.readLong(OUT_VA) : r;
    }

    long allocPages(long count) {
        emu.writeLong(OUT_VA, 0xbad0_bad0L);
        long r = emu.call("pmm_alloc_pages", count, OUT_VA);
        return r == 0 ? emu.readLong(OUT_VA) : r;
    }

    long freePage(long pa) {
        return emu.call("pmm_free_page", pa);
    }

    long freeCount() {
        return emu.call("pmm_free_count");
    }

    long totalCount() {
        return emu.call("pmm_total_count");
    }

    long state(String field) {
        return emu.readLong(META_VA + Pmm.STATE.offset(field));
    }

    /** The whole metadata (state and both bitmaps). */
    byte[] metadata() {
        return emu.read(META_VA, (int) metaBytes);
    }

    @Override
    public void close() {
        emu.close();
    }
}
