package org.capazos.dsl;

import java.util.HashMap;
import java.util.Map;

/** The register constants: {@code import static org.capazos.dsl.Registers.*;} */
public final class Registers {
    private Registers() { }

    static final XReg[] X = new XReg[31];
    static final WReg[] W = new WReg[31];
    static {
        for (int i = 0; i < 31; i++) { X[i] = new XReg(i); W[i] = new WReg(i); }
    }
    public static final XReg x0 = X[0];
    public static final XReg x1 = X[1];
    public static final XReg x2 = X[2];
    public static final XReg x3 = X[3];
    public static final XReg x4 = X[4];
    public static final XReg x5 = X[5];
    public static final XReg x6 = X[6];
    public static final XReg x7 = X[7];
    public static final XReg x8 = X[8];
    public static final XReg x9 = X[9];
    public static final XReg x10 = X[10];
    public static final XReg x11 = X[11];
    public static final XReg x12 = X[12];
    public static final XReg x13 = X[13];
    public static final XReg x14 = X[14];
    public static final XReg x15 = X[15];
    public static final XReg x16 = X[16];
    public static final XReg x17 = X[17];
    public static final XReg x18 = X[18];
    public static final XReg x19 = X[19];
    public static final XReg x20 = X[20];
    public static final XReg x21 = X[21];
    public static final XReg x22 = X[22];
    public static final XReg x23 = X[23];
    public static final XReg x24 = X[24];
    public static final XReg x25 = X[25];
    public static final XReg x26 = X[26];
    public static final XReg x27 = X[27];
    public static final XReg x28 = X[28];
    public static final XReg x29 = X[29];
    public static final XReg x30 = X[30];
    public static final WReg w0 = W[0];
    public static final WReg w1 = W[1];
    public static final WReg w2 = W[2];
    public static final WReg w3 = W[3];
    public static final WReg w4 = W[4];
    public static final WReg w5 = W[5];
    public static final WReg w6 = W[6];
    public static final WReg w7 = W[7];
    public static final WReg w8 = W[8];
    public static final WReg w9 = W[9];
    public static final WReg w10 = W[10];
    public static final WReg w11 = W[11];
    public static final WReg w12 = W[12];
    public static final WReg w13 = W[13];
    public static final WReg w14 = W[14];
    public static final WReg w15 = W[15];
    public static final WReg w16 = W[16];
    public static final WReg w17 = W[17];
    public static final WReg w18 = W[18];
    public static final WReg w19 = W[19];
    public static final WReg w20 = W[20];
    public static final WReg w21 = W[21];
    public static final WReg w22 = W[22];
    public static final WReg w23 = W[23];
    public static final WReg w24 = W[24];
    public static final WReg w25 = W[25];
    public static final WReg w26 = W[26];
    public static final WReg w27 = W[27];
    public static final WReg w28 = W[28];
    public static final WReg w29 = W[29];
    public static final WReg w30 = W[30];
    public static final ZrX xzr = new ZrX();
    public static final ZrW wzr = new ZrW();
    public static final SpX sp = new SpX();
    public static final SpW wsp = new SpW();
    /** The frame pointer (AAPCS64). */
    public static final XReg fp = x29;
    /** The link register. */
    public static final XReg lr = x30;

    /** The 64-bit register {@code x<n>} (0..30). */
    public static XReg x(int n) { return X[n]; }

    /** The 32-bit register {@code w<n>} (0..30). */
    public static WReg w(int n) { return W[n]; }

    private static final Map<String, Register> BY_NAME = new HashMap<>();
    static {
        for (int i = 0; i < 31; i++) { BY_NAME.put("x" + i, X[i]); BY_NAME.put("w" + i, W[i]); }
        BY_NAME.put("xzr", xzr); BY_NAME.put("wzr", wzr); BY_NAME.put("sp", sp); BY_NAME.put("wsp", wsp);
        BY_NAME.put("fp", fp); BY_NAME.put("lr", lr);
    }

    /** The register named {@code name} in GNU syntax (x0, w3, sp, xzr, fp, lr), or null. */
    public static Register byName(String name) { return BY_NAME.get(name); }
}
