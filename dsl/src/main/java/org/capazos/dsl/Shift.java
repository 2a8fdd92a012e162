package org.capazos.dsl;

/** Register shifts, in encoding order. */
public enum Shift {
    LSL, LSR, ASR, ROR;

    public int code() {
        return ordinal();
    }
}
