package org.capazos.isa;

import java.util.List;

/**
 * One kind of operand in the instruction table: how Java passes it, which {@code Enc} method validates it
 * and packs its encoding subfields, and the rule a value must obey (quoted in error messages and Javadoc).
 *
 * @param name      the kind's name in the table, e.g. {@code AddImm}
 * @param params    the Java parameters the kind takes (most take one)
 * @param encoder   the {@code org.capazos.dsl.Enc} method, or {@code null} for registers and branch targets
 * @param subfields the packed subfields, first in the highest bits
 * @param rule      what a valid value is, in words
 */
public record OperandKind(String name, List<Param> params, String encoder, List<Subfield> subfields, String rule) {

    /** A Java parameter of a kind: its name suffix (empty when the kind takes one value) and type. */
    public record Param(String name, String type) { }

    /** A subfield of a packed operand encoding. */
    public record Subfield(String name, int width) { }

    /** The shift that brings subfield {@code sub} to bit 0 of the packed value. */
    public int shiftOf(String sub) {
        int shift = 0;
        for (int i = subfields.size() - 1; i >= 0; i--) {
            Subfield s = subfields.get(i);
            if (s.name().equals(sub)) return shift;
            shift += s.width();
        }
        throw new IllegalArgumentException("kind " + name + " has no subfield " + sub);
    }

    public Subfield subfield(String sub) {
        return subfields.stream().filter(s -> s.name().equals(sub)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kind " + name + " has no subfield " + sub));
    }

    /** True for kinds whose value is a register code. */
    public boolean isRegister() {
        return encoder == null && !isTarget();
    }

    /** True for kinds whose value is a label (branch or address target) encoded through a relocation. */
    public boolean isTarget() {
        return encoder == null && (params.get(0).type().equals("Label") || params.get(0).type().equals("Lo12"));
    }
}
