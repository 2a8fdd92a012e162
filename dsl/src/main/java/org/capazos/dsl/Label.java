package org.capazos.dsl;

import org.capazos.isa.RelocKind;

import java.util.ArrayList;
import java.util.List;

/**
 * A position in code or data: bound once (in a section, at an offset), referenced any number of times before
 * or after. A label with a name becomes a symbol of the module (local unless made global); a label that is
 * never bound but has a name is an external symbol, resolved by the linker.
 */
public final class Label {
    final String name;
    Section section;
    int offset = -1;
    boolean global;
    boolean weak;
    SymbolType type = SymbolType.NONE;
    long size;
    /** References made before the label was bound. */
    final List<Fixup> pending = new ArrayList<>(2);

    /** The type recorded in the symbol table. */
    public enum SymbolType { NONE, FUNCTION, OBJECT }

    /** A reference waiting for the label: the instruction or data at {@code offset} of {@code section}. */
    record Fixup(Section section, int offset, RelocKind kind, long addend, String site) { }

    /** An anonymous label (no symbol). */
    public Label() {
        this(null);
    }

    /** A named label: a symbol once bound (local unless {@link #global()}), or an external if never bound. */
    public Label(String name) {
        this.name = name;
    }

    /** A reference to a symbol defined in another module. */
    public static Label external(String name) {
        return new Label(name);
    }

    public String name() {
        return name;
    }

    public boolean isBound() {
        return offset >= 0;
    }

    /** The section the label is bound in, or null. */
    public Section section() {
        return section;
    }

    /** The offset in its section, or -1 if unbound. */
    public int offset() {
        return offset;
    }

    /** Makes the symbol visible to other modules. */
    public Label global() {
        this.global = true;
        return this;
    }

    /** Makes the symbol global but overridable. */
    public Label weak() {
        this.global = true;
        this.weak = true;
        return this;
    }

    public boolean isGlobal() {
        return global;
    }

    /** Marks the symbol as a function of {@code size} bytes (0 if set later). */
    public Label function() {
        this.type = SymbolType.FUNCTION;
        return this;
    }

    public Label object() {
        this.type = SymbolType.OBJECT;
        return this;
    }

    public Label size(long size) {
        this.size = size;
        return this;
    }

    public SymbolType type() {
        return type;
    }

    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return name != null ? name : "label@" + Integer.toHexString(System.identityHashCode(this));
    }
}
