package org.capazos.isa;

import java.util.List;

/**
 * One row of the instruction table: an instruction form with its operands and encoding.
 *
 * @param mnemonic the GNU mnemonic (conditional branches are {@code b} with a condition operand)
 * @param operands the operands in GNU order
 * @param fixed    the fixed bits of the encoding (operand fields zero)
 * @param fields   the operand fields, each placed at its bit position
 * @param reloc    the relocation kind that fills the target field, or {@code null}
 * @param alias    true if this row is a preferred alias of another instruction
 * @param distinct pairs of operands whose registers must differ (the second may be a memory operand: its base)
 * @param line     the row's line in the table file, for messages
 */
public record Form(String mnemonic, List<Operand> operands, int fixed, List<Field> fields, RelocKind reloc,
                   boolean alias, List<Distinct> distinct, int line) {

    /**
     * Two operands that must not name the same register: {@code first} is a register operand, {@code second} a
     * register operand or a memory operand (then its base register is meant).
     */
    public record Distinct(String first, String second) { }

    /** An operand: its name in the row and its kind. */
    public record Operand(String name, OperandKind kind) { }

    /**
     * A field of the encoding filled from an operand.
     *
     * @param operand  the operand's name
     * @param subfield the kind's subfield, or {@code null} for the whole value (a register code, a target)
     * @param lsb      the field's lowest bit in the instruction
     * @param width    the field's width in bits
     */
    public record Field(String operand, String subfield, int lsb, int width) { }

    public Operand operand(String name) {
        return operands.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(mnemonic + ": no operand " + name));
    }

    /** The mask of all bits that are fixed (not filled from an operand). */
    public int fixedMask() {
        int mask = -1;
        for (Field f : fields) mask &= ~(((1 << f.width()) - 1) << f.lsb() | (f.width() == 32 ? -1 : 0));
        return mask;
    }
}
