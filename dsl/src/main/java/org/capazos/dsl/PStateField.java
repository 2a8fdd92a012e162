package org.capazos.dsl;

/**
 * PSTATE fields that {@code msr <field>, #imm} writes: op1 and op2 of the encoding, and the largest immediate
 * (daifset, daifclr and spsel take 0..15, as LLVM and GNU as accept; the single-bit fields 0..1).
 */
public enum PStateField {
    /** User Access Override (ARMv8.2). */
    UAO(0, 3, 1),
    /** Privileged Access Never (ARMv8.1). */
    PAN(0, 4, 1),
    SPSEL(0, 5, 15),
    DAIFSET(3, 6, 15),
    DAIFCLR(3, 7, 15);

    public final int op1, op2, max;

    PStateField(int op1, int op2, int max) {
        this.op1 = op1;
        this.op2 = op2;
        this.max = max;
    }

    /** GNU spelling, lower case. */
    public String gnu() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
