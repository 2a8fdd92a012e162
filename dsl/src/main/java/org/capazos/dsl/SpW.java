package org.capazos.dsl;

/** wsp: the low 32 bits of the stack pointer. */
public final class SpW extends Register implements WOrSp {
    SpW() {
        super(31, "wsp");
    }

    @Override
    public int bits() {
        return 32;
    }
}
