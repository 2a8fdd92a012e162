package org.capazos.dsl;

/** xzr: reads as zero, writes are discarded (register number 31 where it is not sp). */
public final class ZrX extends Register implements XOrZr {
    ZrX() {
        super(31, "xzr");
    }

    @Override
    public int bits() {
        return 64;
    }
}
