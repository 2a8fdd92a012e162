package org.capazos.dsl;

import org.capazos.isa.RelocKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A section being assembled: its bytes (or just a size, for .bss), alignment, flags, the labels bound in it
 * and the references that must wait for the linker.
 */
public final class Section {
    /** What a section holds, which fixes its ELF flags. */
    public enum Kind {
        CODE(true, false, true, false), RODATA(true, false, false, false), DATA(true, true, false, false),
        BSS(true, true, false, true);

        final boolean alloc, write, exec, nobits;

        Kind(boolean alloc, boolean write, boolean exec, boolean nobits) {
            this.alloc = alloc;
            this.write = write;
            this.exec = exec;
            this.nobits = nobits;
        }
    }

    /** A reference that leaves the section: becomes a relocation against the label's symbol. */
    record Ref(int offset, RelocKind kind, Label label, long addend, String site) { }

    final String name;
    final Kind kind;
    final ModuleBuilder owner;
    byte[] bytes = new byte[256];
    int size;
    long alignment = 4;
    final List<Label> labels = new ArrayList<>();
    final List<Ref> refs = new ArrayList<>();
    /** Which words hold instructions (for listings): bit (offset / 4), 64 words per long. */
    long[] instructionBits = new long[4];
    /** The offset by which pending literals or veneers must be placed (see MacroAssembler). */
    int deadline = Integer.MAX_VALUE;

    Section(ModuleBuilder owner, String name, Kind kind) {
        this.owner = owner;
        this.name = name;
        this.kind = kind;
        if (kind == Kind.CODE) alignment = 4;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The current size in bytes (the offset the next byte goes to). */
    public int size() {
        return size;
    }

    public long alignment() {
        return alignment;
    }

    /** Raises the section's alignment (a power of two). */
    public void alignTo(long align) {
        if (Long.bitCount(align) != 1) throw new EncodingException("alignment " + align + " is not a power of two");
        alignment = Math.max(alignment, align);
    }

    void ensure(int more) {
        if (kind.nobits) return;
        if (size + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }

    void putInt(int v) {
        ensure(4);
        bytes[size] = (byte) v;
        bytes[size + 1] = (byte) (v >> 8);
        bytes[size + 2] = (byte) (v >> 16);
        bytes[size + 3] = (byte) (v >> 24);
        size += 4;
    }

    void markInstruction(int offset) {
        int w = offset >>> 8;
        if (w >= instructionBits.length)
            instructionBits = Arrays.copyOf(instructionBits, Math.max(instructionBits.length * 2, w + 1));
        instructionBits[w] |= 1L << (offset >>> 2);
    }

    /** The offsets of the instructions, in order. */
    int[] instructionOffsets() {
        int n = 0;
        for (long b : instructionBits) n += Long.bitCount(b);
        int[] out = new int[n];
        int k = 0;
        for (int w = 0; w < instructionBits.length; w++)
            for (long b = instructionBits[w]; b != 0; b &= b - 1) out[k++] = w << 8 | Long.numberOfTrailingZeros(b) << 2;
        return out;
    }

    /** Empties the section (for scratch use). */
    void reset() {
        size = 0;
        Arrays.fill(instructionBits, 0);
    }

    int getInt(int off) {
        return (bytes[off] & 0xff) | (bytes[off + 1] & 0xff) << 8 | (bytes[off + 2] & 0xff) << 16
                | (bytes[off + 3] & 0xff) << 24;
    }

    void setInt(int off, int v) {
        bytes[off] = (byte) v;
        bytes[off + 1] = (byte) (v >> 8);
        bytes[off + 2] = (byte) (v >> 16);
        bytes[off + 3] = (byte) (v >> 24);
    }

    /** A copy of the bytes emitted so far. */
    public byte[] bytes() {
        return kind.nobits ? new byte[0] : Arrays.copyOf(bytes, size);
    }
}
