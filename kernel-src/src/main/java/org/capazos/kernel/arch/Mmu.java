package org.capazos.kernel.arch;

import org.capazos.dsl.paging.Descriptor;
import org.capazos.dsl.layout.Layouts;
import org.capazos.dsl.paging.Mapping;

/**
 * The translation-regime layouts CapazOS uses (Arm ARM D8, VMSAv8-64), each bit named once: translation
 * table descriptors, MAIR_EL1 attribute slots, TCR_EL1 and SCTLR_EL1 fields. The boot stage and the kernel
 * build their tables from these, and the tests decode with them.
 *
 * <p>Both stages use a 4 KiB granule and 48-bit virtual addresses (T0SZ = T1SZ = 16). The direct map is
 * {@code VA = PA + 0xffff_0000_0000_0000}, so one level-0 entry (512 GiB) of 1 GiB level-1 blocks covers it,
 * and the same level-1 table can serve the identity map (TTBR0) during boot.
 */
public final class Mmu {
    private Mmu() { }

    public static final int PAGE_SHIFT = Descriptor.GRANULE_SHIFT;
    public static final long PAGE_SIZE = Descriptor.GRANULE;
    /** A level-1 block maps 1 GiB. */
    public static final int L1_BLOCK_SHIFT = Descriptor.LEVEL_SHIFT[1];
    public static final int ENTRIES = Descriptor.ENTRIES;

    // ---- descriptors and memory attributes: one source, org.capazos.dsl.paging -----------------------------
    public static final long DESC_VALID = Descriptor.VALID;
    public static final long DESC_TABLE = Descriptor.TABLE;
    public static final long MAIR = Descriptor.MAIR;
    /** A 1 GiB block of device memory: never executable. */
    public static final long BLOCK_DEVICE = Mapping.DEVICE.attributes() | Descriptor.VALID;
    /** A 1 GiB block of normal RAM, EL1 read/write/execute, not EL0. */
    public static final long BLOCK_NORMAL = Mapping.KERNEL_RWX.attributes() | Descriptor.VALID;

    // ---- TCR_EL1 and SCTLR_EL1, from their layouts -------------------------------------------------------------
    public static final int VA_BITS = 48;
    /** TCR_EL1 for both halves: 48-bit VAs, 4 KiB granules, write-back walks, inner shareable; IPS is filled in
     *  at run time from ID_AA64MMFR0_EL1.PARange (the same encoding). */
    public static final long TCR = Layouts.TCR_EL1
            .with("T0SZ", 64 - VA_BITS).with("IRGN0", Layouts.CACHE_WBWA).with("ORGN0", Layouts.CACHE_WBWA)
            .with("SH0", Layouts.SHARE_INNER).with("TG0", Layouts.TG0_4K)
            .with("T1SZ", 64 - VA_BITS).with("IRGN1", Layouts.CACHE_WBWA).with("ORGN1", Layouts.CACHE_WBWA)
            .with("SH1", Layouts.SHARE_INNER).with("TG1", Layouts.TG1_4K)
            .value();
    public static final long TCR_EPD0 = Layouts.TCR_EL1.bit("EPD0");
    public static final int TCR_IPS_SHIFT = Layouts.TCR_EL1.field("IPS").lsb();
    public static final int TCR_IPS_WIDTH = Layouts.TCR_EL1.field("IPS").width();

    public static final long SCTLR_M = Layouts.SCTLR_EL1.bit("M"), SCTLR_C = Layouts.SCTLR_EL1.bit("C"),
            SCTLR_I = Layouts.SCTLR_EL1.bit("I");
    /** SCTLR_EL1's RES1 bits (as of Armv8.0) with the MMU and caches off: what the boot stage writes before eret. */
    public static final long SCTLR_EL1_RESET = Layouts.SCTLR_EL1.of(0).set("EOS").set("TSCXT").set("EIS").set("SPAN")
            .set("nTLSMD").set("LSMAOE").value();

    /** PARange values (ID_AA64MMFR0_EL1[3:0]) to physical address bits. */
    public static final int[] PA_BITS = {32, 36, 40, 42, 44, 48, 52};
}
