package org.capazos.kernel.arch;

import org.capazos.dsl.paging.Descriptor;
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

    // ---- TCR_EL1 ----------------------------------------------------------------------------------------------
    public static final int VA_BITS = 48;
    public static final long TCR_T0SZ = 64 - VA_BITS;
    public static final long TCR_EPD0 = 1L << 7;
    public static final long TCR_IRGN0_WBWA = 1L << 8, TCR_ORGN0_WBWA = 1L << 10, TCR_SH0_INNER = 3L << 12;
    public static final long TCR_TG0_4K = 0L << 14;
    public static final long TCR_T1SZ = (long) (64 - VA_BITS) << 16;
    public static final long TCR_IRGN1_WBWA = 1L << 24, TCR_ORGN1_WBWA = 1L << 26, TCR_SH1_INNER = 3L << 28;
    public static final long TCR_TG1_4K = 2L << 30;
    public static final int TCR_IPS_SHIFT = 32;
    /** TCR_EL1 for both halves, without IPS (filled from ID_AA64MMFR0_EL1.PARange at run time). */
    public static final long TCR = TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K
            | TCR_T1SZ | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K;

    // ---- SCTLR_EL1 --------------------------------------------------------------------------------------------
    public static final long SCTLR_M = 1L << 0, SCTLR_C = 1L << 2, SCTLR_I = 1L << 12;
    /** The RES1 bits of SCTLR_EL1 with the MMU and caches off (what the boot stage writes before eret). */
    public static final long SCTLR_EL1_RESET = 0x30d0_0800L;

    /** PARange values (ID_AA64MMFR0_EL1[3:0]) to physical address bits. */
    public static final int[] PA_BITS = {32, 36, 40, 42, 44, 48, 52};
}
