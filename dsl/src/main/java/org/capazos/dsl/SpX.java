package org.capazos.dsl;

/** sp: the stack pointer (register number 31 where it is not xzr). */
public final class SpX extends Register implements XOrSp {
    SpX() {
        super(31, "sp");
    }

    @Override
    public int bits() {
        return 64;
    }
}
