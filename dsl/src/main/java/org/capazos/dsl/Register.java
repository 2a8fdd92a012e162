package org.capazos.dsl;

/**
 * A general-purpose register operand. The Java types say what an encoding allows: {@link XReg} (x0..x30) is
 * both an {@link XOrZr} and an {@link XOrSp}, while {@code xzr} is only an XOrZr and {@code sp} only an XOrSp,
 * because register number 31 means one or the other depending on the instruction. The same holds for the
 * 32-bit views ({@link WReg}, {@code wzr}, {@code wsp}). Mixing widths does not compile.
 */
public abstract class Register {
    /** The 5-bit register number placed in the instruction. */
    public final int code;
    private final String name;

    Register(int code, String name) {
        this.code = code;
        this.name = name;
    }

    /** 64 or 32. */
    public abstract int bits();

    @Override
    public String toString() {
        return name;
    }
}
