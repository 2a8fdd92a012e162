package org.capazos.imagegen;

import org.capazos.dsl.Assembler;
import org.capazos.dsl.Label;
import org.capazos.dsl.Section;
import org.capazos.isa.RelocKind;

/** An Assembler that can emit any word with any relocation kind, for tests of every RelocKind. */
public final class RawAssembler extends Assembler {
    public RawAssembler(Section section) {
        super(section);
    }

    /** Emits {@code word} as an instruction referring to {@code target + addend} through {@code kind}. */
    public RawAssembler inst(int word, Label target, long addend, RelocKind kind) {
        emitTarget(word, target, addend, kind);
        return this;
    }

    /** Emits {@code word} as an instruction. */
    public RawAssembler inst(int word) {
        emit(word);
        return this;
    }

    /** Emits {@code bytes} zero bytes of data referring to {@code target + addend} through data kind {@code kind}. */
    public RawAssembler data(Label target, long addend, RelocKind kind) {
        int at = position();
        fill(kind.dataBits / 8, 0);
        reference(at, target, addend, kind);
        return this;
    }
}
