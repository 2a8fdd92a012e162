package org.capazos.dsl;

/** A64 condition codes, in encoding order. */
public enum Condition {
    EQ, NE, HS, LO, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE, AL, NV;

    /** Aliases: carry set is unsigned higher-or-same, carry clear is unsigned lower. */
    public static final Condition CS = HS, CC = LO;

    /** The 4-bit encoding. */
    public int code() {
        return ordinal();
    }

    /** The opposite condition (EQ for NE, LO for HS, ...). */
    public Condition invert() {
        return values()[ordinal() ^ 1];
    }

    /** GNU spelling, lower case. */
    public String gnu() {
        return name().toLowerCase();
    }
}
