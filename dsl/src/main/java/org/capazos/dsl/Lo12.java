package org.capazos.dsl;

/** {@code :lo12:label+addend}: the low 12 bits of an address, for the add after an adrp. */
public record Lo12(Label label, long addend) {
    public static Lo12 lo12(Label label) {
        return new Lo12(label, 0);
    }
}
