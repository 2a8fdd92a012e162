package org.capazos.dsl;

/**
 * A memory operand: {@code [base]}, {@code [base, #offset]}, {@code [base, #offset]!} (pre-index),
 * {@code [base], #offset} (post-index) or {@code [base, index{, extend #amount}]}.
 * Which encodings accept it is decided by the instruction (see {@link Enc}).
 */
public final class Mem {
    /** How the address is formed. */
    public enum Mode { OFFSET, PRE_INDEX, POST_INDEX, REGISTER }

    public final Register base;
    public final long offset;
    public final Mode mode;
    /** The index register (REGISTER mode), x or w. */
    public final Register index;
    /** The index's shift or extend (a {@link Shift#LSL} or an {@link Extend}), or null. */
    public final Object extend;
    /** The shift amount, or -1 when none was written. */
    public final int amount;

    private Mem(Register base, long offset, Mode mode, Register index, Object extend, int amount) {
        this.base = base;
        this.offset = offset;
        this.mode = mode;
        this.index = index;
        this.extend = extend;
        this.amount = amount;
    }

    /** {@code [base]} */
    public static Mem mem(XOrSp base) {
        return new Mem((Register) base, 0, Mode.OFFSET, null, null, -1);
    }

    /** {@code [base, #offset]} */
    public static Mem mem(XOrSp base, long offset) {
        return new Mem((Register) base, offset, Mode.OFFSET, null, null, -1);
    }

    /** {@code [base, #offset]!}: base += offset, then access. */
    public static Mem preIndex(XOrSp base, long offset) {
        return new Mem((Register) base, offset, Mode.PRE_INDEX, null, null, -1);
    }

    /** {@code [base], #offset}: access, then base += offset. */
    public static Mem postIndex(XOrSp base, long offset) {
        return new Mem((Register) base, offset, Mode.POST_INDEX, null, null, -1);
    }

    /** {@code [base, index]} */
    public static Mem mem(XOrSp base, XOrZr index) {
        return new Mem((Register) base, 0, Mode.REGISTER, (Register) index, null, -1);
    }

    /** {@code [base, index, lsl #amount]} */
    public static Mem mem(XOrSp base, XOrZr index, Shift lsl, int amount) {
        return new Mem((Register) base, 0, Mode.REGISTER, (Register) index, lsl, amount);
    }

    /** {@code [base, index, sxtx]} (no amount written) */
    public static Mem mem(XOrSp base, XOrZr index, Extend extend) {
        return new Mem((Register) base, 0, Mode.REGISTER, (Register) index, extend, -1);
    }

    /** {@code [base, index, sxtx #amount]} */
    public static Mem mem(XOrSp base, XOrZr index, Extend extend, int amount) {
        return new Mem((Register) base, 0, Mode.REGISTER, (Register) index, extend, amount);
    }

    /** {@code [base, windex, uxtw|sxtw #amount]} */
    public static Mem mem(XOrSp base, WOrZr index, Extend extend, int amount) {
        return new Mem((Register) base, 0, Mode.REGISTER, (Register) index, extend, amount);
    }

    /** {@code [base, windex, uxtw|sxtw]} */
    public static Mem mem(XOrSp base, WOrZr index, Extend extend) {
        return new Mem((Register) base, 0, Mode.REGISTER, (Register) index, extend, -1);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case OFFSET -> offset == 0 ? "[" + base + "]" : "[" + base + ", #" + offset + "]";
            case PRE_INDEX -> "[" + base + ", #" + offset + "]!";
            case POST_INDEX -> "[" + base + "], #" + offset;
            case REGISTER -> "[" + base + ", " + index
                    + (extend == null ? "" : ", " + extend.toString().toLowerCase() + (amount < 0 ? "" : " #" + amount))
                    + "]";
        };
    }
}
