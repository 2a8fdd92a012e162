package org.capazos.dsl;

/** wzr: the 32-bit zero register. */
public final class ZrW extends Register implements WOrZr {
    ZrW() {
        super(31, "wzr");
    }

    @Override
    public int bits() {
        return 32;
    }
}
