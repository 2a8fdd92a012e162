package org.capazos.dsl;

/** PSTATE fields that {@code msr <field>, #imm} writes: op1 and op2 of the encoding, and the largest value. */
public enum PStateField {
    UAO(0, 3, 1), PAN(0, 4, 1), SPSEL(0, 5, 1), DAIFSET(3, 6, 15), DAIFCLR(3, 7, 15);

    public final int op1, op2, max;

    PStateField(int op1, int op2, int max) {
        this.op1 = op1;
        this.op2 = op2;
        this.max = max;
    }
}
