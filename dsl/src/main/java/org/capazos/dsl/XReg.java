package org.capazos.dsl;

/** One of x0..x30. */
public final class XReg extends Register implements XOrZr, XOrSp {
    XReg(int code) {
        super(code, "x" + code);
    }

    /** The 32-bit view of this register (w0..w30). */
    public WReg w() {
        return Registers.W[code];
    }

    @Override
    public int bits() {
        return 64;
    }
}
