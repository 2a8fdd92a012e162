package org.capazos.dsl.text;

import org.capazos.dsl.Section;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A section of {@link SourceAssembler}: the DSL section holding its bytes, plus what ELF needs and the DSL lacks. */
final class AsmSection {
    final String name;
    final Section section;
    final boolean alloc, write, exec, nobits;
    long alignment;
    /** Offsets of instruction words (for $x/$d mapping symbols and listings), ascending. */
    int[] instructions = new int[16];
    int instructionCount;
    final List<SourceAssembler.Fixup> fixups = new ArrayList<>();
    /** Literal pool entries waiting for .ltorg or the end of the file. */
    SourceAssembler.Pool pool;
    /** Where a non-allocatable section first received bytes (an error, reported once). */
    boolean reportedNonAlloc;

    AsmSection(String name, Section section, boolean alloc, boolean write, boolean exec, boolean nobits) {
        this.name = name;
        this.section = section;
        this.alloc = alloc;
        this.write = write;
        this.exec = exec;
        this.nobits = nobits;
        this.alignment = exec ? 4 : 1;
    }

    void markInstruction(int offset) {
        if (instructionCount == instructions.length) instructions = Arrays.copyOf(instructions, instructionCount * 2);
        instructions[instructionCount++] = offset;
    }

    int size() {
        return section.size();
    }

    @Override
    public String toString() {
        return name;
    }
}
