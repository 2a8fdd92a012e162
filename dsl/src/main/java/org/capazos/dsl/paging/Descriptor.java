package org.capazos.dsl.paging;

import org.capazos.dsl.layout.BitLayout;
import org.capazos.dsl.layout.Layouts;

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

    private static final BitLayout D = Layouts.BLOCK_DESCRIPTOR;

    public static final long VALID = D.bit("Valid");
    /** Bit 1: table (levels 0-2) or page (level 3); clear at levels 1-2: block. */
    public static final long TABLE = D.bit("Table"), PAGE = D.bit("Table");
    public static final int ATTR_INDEX_SHIFT = D.field("AttrIndx").lsb();
    public static final long ATTR_INDEX_MASK = D.field("AttrIndx").mask();
    /** AP[1]: EL0 may access. AP[2]: read-only. */
    public static final long AP_EL0 = D.field("AP").place(0b01), AP_RO = D.field("AP").place(0b10);
    public static final long SH_INNER = D.field("SH").place(0b11), SH_OUTER = D.field("SH").place(0b10);
    /** The access flag: must be set, or the first access faults. */
    public static final long AF = D.bit("AF");
    /** Not global: the entry belongs to an ASID. */
    public static final long NG = D.bit("nG");
    public static final long PXN = D.bit("PXN"), UXN = D.bit("UXN");
    /** Output address bits [47:12]. */
    public static final long ADDRESS_MASK = D.field("OutputAddress").mask();

    /** MAIR_EL1 slots CapazOS uses, and the MAIR value that defines them. */
    public static final int ATTR_DEVICE = 0, ATTR_NORMAL = 1, ATTR_NORMAL_NC = 2;
    public static final long MAIR = Layouts.MAIR_EL1.with("Attr" + ATTR_DEVICE, Layouts.MAIR_DEVICE_nGnRnE)
            .with("Attr" + ATTR_NORMAL, Layouts.MAIR_NORMAL_WB).with("Attr" + ATTR_NORMAL_NC, Layouts.MAIR_NORMAL_NC)
            .value();

    /** The size one entry maps at {@code level} (1 GiB at 1, 2 MiB at 2, 4 KiB at 3). */
    public static long entrySize(int level) {
        return 1L << LEVEL_SHIFT[level];
    }

    /** The index of {@code va} in a table of {@code level}. */
    public static int index(long va, int level) {
        return (int) ((va >>> LEVEL_SHIFT[level]) & (ENTRIES - 1));
    }
}
