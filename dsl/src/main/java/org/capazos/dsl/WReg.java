package org.capazos.dsl;

/** One of w0..w30, the low 32 bits of x0..x30. */
public final class WReg extends Register implements WOrZr, WOrSp {
    WReg(int code) {
        super(code, "w" + code);
    }

    /** The 64-bit register this is the low half of. */
    public XReg x() {
        return Registers.X[code];
    }

    @Override
    public int bits() {
        return 32;
    }
}
