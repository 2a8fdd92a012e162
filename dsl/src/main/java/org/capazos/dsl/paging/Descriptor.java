package org.capazos.dsl.paging;

/**
 * VMSAv8-64 translation table descriptors, 4 KiB granule (Arm ARM D8.3): each bit named once, for the
 * page-table builder, for kernel code that builds tables at run time, and for the walker the tests use.
 */
public final class Descriptor {
    private Descriptor() { }

    public static final int GRANULE_SHIFT = 12;
    public static final long GRANULE = 1L << GRANULE_SHIFT;
    public static final int ENTRIES = 512;
    /** Bits of VA resolved per level: level 0 starts at bit 39, level 3 at bit 12. */
    public static final int[] LEVEL_SHIFT = {39, 30, 21, 12};

    public static final long VALID = 1L << 0;
    /** Bit 1: table (levels 0-2) or page (level 3); clear at levels 1-2: block. */
    public static final long TABLE = 1L << 1, PAGE = 1L << 1;
    public static final int ATTR_INDEX_SHIFT = 2;
    public static final long ATTR_INDEX_MASK = 7L << ATTR_INDEX_SHIFT;
    /** AP[1]: EL0 may access. AP[2]: read-only. */
    public static final long AP_EL0 = 1L << 6, AP_RO = 1L << 7;
    public static final long SH_INNER = 3L << 8, SH_OUTER = 2L << 8;
    /** The access flag: must be set, or the first access faults. */
    public static final long AF = 1L << 10;
    /** Not global: the entry belongs to an ASID. */
    public static final long NG = 1L << 11;
    public static final long PXN = 1L << 53, UXN = 1L << 54;
    /** Output address bits [47:12]. */
    public static final long ADDRESS_MASK = 0x0000_ffff_ffff_f000L;

    /** MAIR_EL1 slots CapazOS uses, and the MAIR value that defines them. */
    public static final int ATTR_DEVICE = 0, ATTR_NORMAL = 1, ATTR_NORMAL_NC = 2;
    public static final long MAIR = 0x00L << (8 * ATTR_DEVICE) | 0xffL << (8 * ATTR_NORMAL) | 0x44L << (8 * ATTR_NORMAL_NC);

    /** The size one entry maps at {@code level} (1 GiB at 1, 2 MiB at 2, 4 KiB at 3). */
    public static long entrySize(int level) {
        return 1L << LEVEL_SHIFT[level];
    }

    /** The index of {@code va} in a table of {@code level}. */
    public static int index(long va, int level) {
        return (int) ((va >>> LEVEL_SHIFT[level]) & (ENTRIES - 1));
    }
}
