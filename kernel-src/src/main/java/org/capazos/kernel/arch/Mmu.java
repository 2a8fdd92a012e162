package org.capazos.kernel.arch;

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

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** A level-1 block maps 1 GiB. */
    public static final int L1_BLOCK_SHIFT = 30;
    public static final int ENTRIES = 512;

    // ---- descriptors ----------------------------------------------------------------------------------------
    public static final long DESC_VALID = 1L << 0;
    /** bit 1 set: table (levels 0-2) or page (level 3); clear: block. */
    public static final long DESC_TABLE = 1L << 1;
    public static final long DESC_BLOCK = DESC_VALID;
    public static final int ATTR_INDEX_SHIFT = 2;
    /** AP[2:1]: 00 = EL1 read/write, EL0 none; 10 = EL1 read-only. */
    public static final long AP_EL1_RW = 0L << 6, AP_EL1_RO = 2L << 6, AP_EL0 = 1L << 6;
    public static final long SH_INNER = 3L << 8;
    /** The access flag: set, or the first access faults. */
    public static final long AF = 1L << 10;
    public static final long PXN = 1L << 53, UXN = 1L << 54;
    /** Output address bits [47:12] of a descriptor. */
    public static final long ADDRESS_MASK = 0x0000_ffff_ffff_f000L;

    // ---- MAIR_EL1 slots ---------------------------------------------------------------------------------------
    public static final int ATTR_DEVICE = 0, ATTR_NORMAL = 1, ATTR_NORMAL_NC = 2;
    /** Device-nGnRnE in slot 0, Normal write-back read/write-allocate in slot 1, Normal non-cacheable in 2. */
    public static final long MAIR = 0x00L << (8 * ATTR_DEVICE) | 0xffL << (8 * ATTR_NORMAL) | 0x44L << (8 * ATTR_NORMAL_NC);

    /** A 1 GiB block of device memory: never executable. */
    public static final long BLOCK_DEVICE = DESC_BLOCK | (long) ATTR_DEVICE << ATTR_INDEX_SHIFT | AF | AP_EL1_RW | PXN | UXN;
    /** A 1 GiB block of normal RAM, EL1 read/write/execute, not EL0. */
    public static final long BLOCK_NORMAL = DESC_BLOCK | (long) ATTR_NORMAL << ATTR_INDEX_SHIFT | AF | SH_INNER | AP_EL1_RW | UXN;

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
