package org.capazos.dsl;

/** Register extends, in encoding order (the {@code option} field). */
public enum Extend {
    UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX;

    public int code() {
        return ordinal();
    }
}
