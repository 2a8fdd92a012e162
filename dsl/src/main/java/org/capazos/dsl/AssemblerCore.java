package org.capazos.dsl;

import org.capazos.isa.RelocKind;

import java.nio.charset.StandardCharsets;

/**
 * What every generated instruction method stands on: the current section, emitting words, labels and their
 * fixups, data directives. Instruction encodings are not here; they are generated into {@link Assembler}
 * from the instruction table.
 */
public abstract class AssemblerCore {
    /** The word align() pads code with. */
    private static final int NOP = 0xd503201f;

    protected Section section;

    protected AssemblerCore(Section section) {
        this.section = section;
    }

    /** The section instructions and data go to. */
    public Section section() {
        return section;
    }

    /** Continues in {@code s}. */
    public void switchTo(Section s) {
        this.section = s;
    }

    /** The offset in the current section where the next instruction goes. */
    public int position() {
        return section.size;
    }

    /** The register number of a register operand. */
    protected static int reg(Object r) {
        return ((Register) r).code;
    }

    /** Emits one instruction word. */
    protected final void emit(int word) {
        Section s = section;
        if (s.size >= s.deadline || (s.size & 3) != 0 || s.kind.nobits) beforeEmit(s, 4);
        s.markInstruction(s.size);
        s.putInt(word);
    }

    /** The slow path of {@link #emit}: errors, and pools or veneers that must be placed before going on. */
    private void beforeEmit(Section s, int bytes) {
        if (s.kind.nobits) throw new EncodingException("cannot emit instructions into " + s.name + " (no bits)"
                + " at " + CallSite.find());
        if ((s.size & 3) != 0) throw new EncodingException("instruction at unaligned offset " + s.size + " of "
                + s.name + " at " + CallSite.find() + ": align the section first");
        if (s.size >= s.deadline) deadlineReached(s);
    }

    /**
     * Called when code is about to pass {@link Section#deadline}: the offset by which something pending
     * (a literal pool, a veneer for a far branch) must be placed. The raw assembler places nothing.
     */
    protected void deadlineReached(Section s) {
        s.deadline = Integer.MAX_VALUE;
    }

    /** Emits an instruction whose field {@code kind} refers to {@code target + addend}. */
    protected final void emitTarget(int word, Label target, long addend, RelocKind kind) {
        int at = section.size;
        emit(word);
        reference(at, target, addend, kind);
    }

    /** Records that the bytes at {@code at} refer to {@code target + addend}, resolving now if possible. */
    protected final void reference(int at, Label target, long addend, RelocKind kind) {
        Section s = section;
        boolean pcRel = isPcRelative(kind);
        if (pcRel && target.isBound() && target.section == s) {
            String why = kind.apply(s.bytes, at, target.offset + addend, at);
            if (why != null) throw new EncodingException(kind + " reference at " + s.name + "+0x"
                    + Integer.toHexString(at) + " to " + target + ": " + why + " (at " + CallSite.find() + ")");
        } else if (pcRel && !target.isBound()) {
            if (target.pending.isEmpty()) s.owner.noteForward(target);
            target.pending.add(new Label.Fixup(s, at, kind, addend, CallSite.find()));
        } else {
            s.refs.add(new Section.Ref(at, kind, target, addend, CallSite.find()));
        }
    }

    static boolean isPcRelative(RelocKind k) {
        return switch (k) {
            case JUMP26, CALL26, CONDBR19, TSTBR14, LD_PREL_LO19, ADR_PREL_LO21, PREL64, PREL32, PREL16 -> true;
            default -> false;
        };
    }

    /** Binds {@code label} to the current position; forward references to it are fixed up now. */
    public void bind(Label label) {
        if (label.isBound()) throw new EncodingException("label " + label + " is already bound (at "
                + label.section.name + "+0x" + Integer.toHexString(label.offset) + "); bound again at "
                + CallSite.find());
        label.section = section;
        label.offset = section.size;
        section.labels.add(label);
        section.owner.register(label);
        for (Label.Fixup f : label.pending) {
            if (f.section() == section) {
                String why = f.kind().apply(section.bytes, f.offset(), label.offset + f.addend(), f.offset());
                if (why != null) throw new EncodingException(f.kind() + " reference to " + label + " at "
                        + f.site() + ": " + why);
            } else {
                f.section().refs.add(new Section.Ref(f.offset(), f.kind(), label, f.addend(), f.site()));
            }
        }
        label.pending.clear();
    }

    /** A new label bound here. */
    public Label here() {
        Label l = new Label();
        bind(l);
        return l;
    }

    /** An EncodingException naming the instruction, the operand and the rule, at the caller's line. */
    protected static EncodingException invalid(String mnemonic, String operand, Object value, String rule) {
        String v = value instanceof Long l ? l + (Math.abs(l) > 9 ? String.format(" (0x%x)", l) : "") : String.valueOf(value);
        return new EncodingException(mnemonic + ": operand " + operand + " = " + v + " cannot be encoded: must be "
                + rule + " (at " + CallSite.find() + ")");
    }

    // ---- data ---------------------------------------------------------------------------------------------

    private void data(long v, int n) {
        Section s = section;
        if (s.size + n > s.deadline && s.kind == Section.Kind.CODE) deadlineReached(s);
        if (s.kind.nobits) {
            if (v != 0) throw new EncodingException("non-zero data in " + s.name + " at " + CallSite.find());
            s.size += n;
            return;
        }
        s.ensure(n);
        for (int i = 0; i < n; i++) s.bytes[s.size++] = (byte) (v >>> (8 * i));
    }

    /** {@code .byte} */
    public AssemblerCore byte_(int... values) {
        for (int v : values) data(v, 1);
        return this;
    }

    /** {@code .hword} */
    public AssemblerCore hword(int... values) {
        for (int v : values) data(v, 2);
        return this;
    }

    /** {@code .word} */
    public AssemblerCore word(int... values) {
        for (int v : values) data(v, 4);
        return this;
    }

    /** {@code .quad} */
    public AssemblerCore quad(long... values) {
        for (long v : values) data(v, 8);
        return this;
    }

    /** {@code .quad label}: the label's absolute address (an R_AARCH64_ABS64 relocation). */
    public AssemblerCore quad(Label label) {
        return quad(label, 0);
    }

    /** {@code .quad label + addend} */
    public AssemblerCore quad(Label label, long addend) {
        int at = section.size;
        data(0, 8);
        reference(at, label, addend, RelocKind.ABS64);
        return this;
    }

    /** {@code .word label - .} style: a 32-bit PC-relative offset to {@code label}. */
    public AssemblerCore wordPcRel(Label label) {
        int at = section.size;
        data(0, 4);
        reference(at, label, 0, RelocKind.PREL32);
        return this;
    }

    /** {@code .ascii} */
    public AssemblerCore ascii(String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) data(b, 1);
        return this;
    }

    /** {@code .asciz}: the string and a NUL. */
    public AssemblerCore asciz(String s) {
        ascii(s);
        data(0, 1);
        return this;
    }

    /** {@code .space n}: n zero bytes. */
    public AssemblerCore space(int n) {
        return fill(n, 0);
    }

    /** {@code .fill n, 1, value} */
    public AssemblerCore fill(int n, int value) {
        if (n < 0) throw new EncodingException("negative size " + n + " at " + CallSite.find());
        Section s = section;
        if (s.size + n > s.deadline && s.kind == Section.Kind.CODE) deadlineReached(s);
        if (s.kind.nobits) {
            if (value != 0) throw new EncodingException("non-zero fill in " + s.name + " at " + CallSite.find());
            s.size += n;
            return this;
        }
        s.ensure(n);
        for (int i = 0; i < n; i++) s.bytes[s.size++] = (byte) value;
        return this;
    }

    /** {@code .balign n}: pads with NOPs in code, zeros elsewhere, and raises the section's alignment. */
    public AssemblerCore align(int n) {
        Section s = section;
        s.alignTo(n);
        int pad = (int) ((n - (s.size % n)) % n);
        if (s.kind == Section.Kind.CODE && (s.size & 3) == 0) {
            for (int i = 0; i < pad / 4; i++) {
                s.markInstruction(s.size);             // padding that can be executed is listed as the nops it is
                s.putInt(NOP);
            }
        } else {
            fill(pad, 0);
        }
        return this;
    }
}
