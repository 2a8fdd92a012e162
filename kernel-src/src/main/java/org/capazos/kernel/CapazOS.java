package org.capazos.kernel;

/** Facts about the kernel as a whole. */
public final class CapazOS {
    /** The version printed by both stages ("CapazOS boot 0.1.0", "CapazOS kernel 0.1.0"). */
    public static final String VERSION = "0.1.0";

    private CapazOS() { }
}
