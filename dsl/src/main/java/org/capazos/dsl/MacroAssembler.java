package org.capazos.dsl;

import org.capazos.isa.RelocKind;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

import static org.capazos.dsl.Registers.*;

/**
 * The assembler to write routines in. Unlike the raw {@link Assembler}, a macro method may emit several
 * instructions: moves of any 64-bit value, addresses of symbols, functions with AAPCS64 frames, and
 * structured control flow with the labels managed for you. Where a macro needs a scratch register it uses
 * {@code x16}/{@code x17} (IP0/IP1, which AAPCS64 reserves for exactly this), unless told otherwise.
 */
public class MacroAssembler extends Assembler {
    /** The scratch registers macros may clobber. */
    public static final XReg SCRATCH = x16, SCRATCH2 = x17;

    private final ModuleBuilder module;
    private final Deque<Loop> loops = new ArrayDeque<>();
    private Function function;
    private final java.util.List<Label> functions = new java.util.ArrayList<>();

    public MacroAssembler(ModuleBuilder module) {
        super(module.section(".text", Section.Kind.CODE));
        this.module = module;
    }

    public ModuleBuilder module() {
        return module;
    }

    // ---- sections -------------------------------------------------------------------------------------------

    /** Continues in section {@code name} (created with {@code kind} on first use). */
    public MacroAssembler section(String name, Section.Kind kind) {
        switchTo(module.section(name, kind));
        return this;
    }

    public MacroAssembler text() {
        return section(".text", Section.Kind.CODE);
    }

    public MacroAssembler rodata() {
        return section(".rodata", Section.Kind.RODATA);
    }

    public MacroAssembler data() {
        return section(".data", Section.Kind.DATA);
    }

    public MacroAssembler bss() {
        return section(".bss", Section.Kind.BSS);
    }

    // ---- immediates of any size -----------------------------------------------------------------------------

    /**
     * {@code mov Xd, #value} for any 64-bit value, in the fewest instructions: one movz, movn or orr when the
     * value allows, else movz (or movn when most 16-bit chunks are 0xffff) followed by movk for each chunk
     * that still differs.
     */
    @Override
    public Assembler mov(XOrZr d, long value) {
        if (Enc.movz64(value) >= 0 || Enc.movn64(value) >= 0 || Enc.bitmask64(value) >= 0) return super.mov(d, value);
        int zeros = 0, ones = 0;
        for (int i = 0; i < 4; i++) {
            long c = chunk(value, i);
            if (c == 0) zeros++;
            if (c == 0xffff) ones++;
        }
        int wideCost = 4 - Math.max(zeros, ones);
        long orrBase = bestOrrBase(value);
        if (orrBase != 0 && 1 + differingChunks(orrBase, value) < wideCost) {
            super.mov(d, orrBase);                 // orr Xd, xzr, #bitmask
            for (int i = 0; i < 4; i++) if (chunk(orrBase, i) != chunk(value, i)) movk(d, chunk(value, i), 16 * i);
            return this;
        }
        boolean inverted = ones > zeros;
        long fill = inverted ? 0xffff : 0;
        boolean first = true;
        for (int i = 0; i < 4; i++) {
            long c = chunk(value, i);
            if (c == fill) continue;
            if (first) {
                if (inverted) movn(d, ~c & 0xffff, 16 * i);
                else movz(d, c, 16 * i);
                first = false;
            } else {
                movk(d, c, 16 * i);
            }
        }
        return this;
    }

    private static long chunk(long v, int i) {
        return (v >>> (16 * i)) & 0xffff;
    }

    private static int differingChunks(long a, long b) {
        int n = 0;
        for (int i = 0; i < 4; i++) if (chunk(a, i) != chunk(b, i)) n++;
        return n;
    }

    /**
     * The bitmask immediate that agrees with {@code value} on the most 16-bit chunks (0 if none is useful):
     * candidates are the value's chunks and halves replicated, and the value with one or two chunks replaced by
     * zeros, ones or a neighbour. An orr of it followed by a movk per differing chunk is then the sequence.
     */
    private static long bestOrrBase(long value) {
        java.util.List<Long> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long c = chunk(value, i);
            candidates.add(c | c << 16 | c << 32 | c << 48);
        }
        long lo = value & 0xffff_ffffL, hi = value >>> 32;
        candidates.add(lo | lo << 32);
        candidates.add(hi | hi << 32);
        long[] fills = {0, 0xffff};
        for (int i = 0; i < 4; i++) {
            for (long f : new long[] {0, 0xffff, chunk(value, (i + 1) & 3), chunk(value, (i + 3) & 3)})
                candidates.add(value & ~(0xffffL << (16 * i)) | f << (16 * i));
            for (int j = i + 1; j < 4; j++)
                for (long fi : fills)
                    for (long fj : fills)
                        candidates.add(value & ~(0xffffL << (16 * i)) & ~(0xffffL << (16 * j)) | fi << (16 * i) | fj << (16 * j));
        }
        long best = 0;
        int bestDiff = 4;
        for (long c : candidates) {
            if (Enc.bitmask64(c) < 0) continue;
            int diff = differingChunks(c, value);
            if (diff < bestDiff) {
                best = c;
                bestDiff = diff;
            }
        }
        return bestDiff < 3 ? best : 0;
    }

    /** {@code mov Wd, #value} for any 32-bit value (one or two instructions). */
    @Override
    public Assembler mov(WOrZr d, long value) {
        if (value < Integer.MIN_VALUE || value > 0xffffffffL)
            throw new EncodingException("mov: " + value + " does not fit 32 bits (at " + CallSite.find() + ")");
        if (Enc.movz32(value) >= 0 || Enc.movn32(value) >= 0 || Enc.bitmask32(value) >= 0) return super.mov(d, value);
        long v = value & 0xffffffffL;
        movz(d, v & 0xffff);
        movk(d, v >>> 16, 16);
        return this;
    }

    /**
     * {@code add Xd, Xn, #value} for any value: one add (12 bits, optionally shifted), two (24 bits), or through
     * {@code scratch} (which must not be {@code n}). A negative value subtracts.
     */
    public MacroAssembler addImm(XOrSp d, XOrSp n, long value, XReg scratch) {
        return addOrSub(false, d, n, value, scratch);
    }

    public MacroAssembler addImm(XOrSp d, XOrSp n, long value) {
        return addImm(d, n, value, SCRATCH);
    }

    /** {@code sub Xd, Xn, #value} for any value (see {@link #addImm}). */
    public MacroAssembler subImm(XOrSp d, XOrSp n, long value, XReg scratch) {
        return addOrSub(true, d, n, value, scratch);
    }

    public MacroAssembler subImm(XOrSp d, XOrSp n, long value) {
        return subImm(d, n, value, SCRATCH);
    }

    private MacroAssembler addOrSub(boolean subtract, XOrSp d, XOrSp n, long value, XReg scratch) {
        if (value < 0 && value != Long.MIN_VALUE) {
            subtract = !subtract;
            value = -value;
        }
        if (Enc.addImm(value) >= 0) {
            if (subtract) sub(d, n, value);
            else add(d, n, value);
        } else if (value >= 0 && value < (1L << 24)) {
            if (subtract) {
                sub(d, n, value & 0xfff000L);
                sub(d, d, value & 0xfff);
            } else {
                add(d, n, value & 0xfff000L);
                add(d, d, value & 0xfff);
            }
        } else {
            if (scratch == n) throw new EncodingException("addImm/subImm: the scratch register " + scratch
                    + " is the source operand (at " + CallSite.find() + ")");
            mov(scratch, value);
            if (subtract) sub(d, n, scratch, Extend.UXTX, 0);
            else add(d, n, scratch, Extend.UXTX, 0);
        }
        return this;
    }

    /** {@code cmp Xn, #value} for any value (through the scratch register when no cmp/cmn immediate fits). */
    public MacroAssembler cmpImm(XOrZr n, long value) {
        if (n instanceof XOrSp ns && Enc.addImm(value) >= 0) cmp(ns, value);
        else if (n instanceof XOrSp ns && value < 0 && Enc.addImm(-value) >= 0) cmn(ns, -value);
        else {
            mov(SCRATCH, value);
            cmp(n, SCRATCH);
        }
        return this;
    }

    /** {@code and Xd, Xn, #value} for any value. */
    public MacroAssembler andImm(XOrZr d, XOrZr n, long value) {
        if (d instanceof XOrSp ds && Enc.bitmask64(value) >= 0) and(ds, n, value);
        else and(d, n, scratchHolding(value));
        return this;
    }

    /** {@code orr Xd, Xn, #value} for any value. */
    public MacroAssembler orrImm(XOrZr d, XOrZr n, long value) {
        if (d instanceof XOrSp ds && Enc.bitmask64(value) >= 0) orr(ds, n, value);
        else orr(d, n, scratchHolding(value));
        return this;
    }

    /** Moves {@code value} into the scratch register (for an operation whose immediate form cannot take it). */
    private XReg scratchHolding(long value) {
        mov(SCRATCH, value);
        return SCRATCH;
    }

    // ---- addresses ------------------------------------------------------------------------------------------

    /** The PC-relative address of {@code label} (within +-4 GiB): adrp + add. */
    public MacroAssembler adrl(XReg d, Label label) {
        adrp(d, label);
        add(d, d, Lo12.lo12(label));
        return this;
    }

    /** The link-time absolute address of {@code label}: movz + 3 movk with R_AARCH64_MOVW_UABS relocations. */
    public MacroAssembler movAddress(XOrZr d, Label label) {
        RelocKind[] groups = {RelocKind.MOVW_UABS_G0_NC, RelocKind.MOVW_UABS_G1_NC, RelocKind.MOVW_UABS_G2_NC,
                RelocKind.MOVW_UABS_G3};
        for (int g = 0; g < 4; g++) {
            int at = position();
            if (g == 0) movz(d, 0, 0);
            else movk(d, 0, 16 * g);
            reference(at, label, 0, groups[g]);
        }
        return this;
    }

    /** A NUL-terminated string in .rodata; returns its label. */
    public Label cstring(String s) {
        Section back = section;
        Label l = new Label();
        rodata();
        bind(l);
        asciz(s);
        switchTo(back);
        return l;
    }

    // ---- literal pools and far branches ----------------------------------------------------------------------

    /** {@code addressOf(symbol)}: the link-time address of a symbol, as a literal pool entry. */
    public record AddressOf(Label symbol, long addend) { }

    public static AddressOf addressOf(Label symbol) {
        return new AddressOf(symbol, 0);
    }

    /** What a section still owes: literals to place, forward short branches that may need a veneer. */
    private static final class Pending {
        final java.util.Map<Object, Label> literals = new java.util.LinkedHashMap<>();
        int firstLiteralUse = -1;
        final java.util.List<FarBranch> branches = new java.util.ArrayList<>();
    }

    private record FarBranch(int at, Label target, RelocKind kind, long maxForward) { }

    private final java.util.Map<Section, Pending> pending = new java.util.HashMap<>();
    /** Bytes kept spare below every deadline: the padding that 8-byte aligns the literals. */
    private static final int SLACK = 4;
    private static final long LITERAL_RANGE = (1L << 20) - 4;

    /** {@code ldr Xd, =value}: loads a 64-bit constant from this section's literal pool. */
    public MacroAssembler ldr(XOrZr d, long value) {
        literalLoad(d, value);
        return this;
    }

    /** {@code ldr Xd, =symbol}: loads a symbol's link-time address from this section's literal pool. */
    public MacroAssembler ldr(XOrZr d, AddressOf address) {
        literalLoad(d, address);
        return this;
    }

    private void literalLoad(XOrZr d, Object key) {
        Pending p = pending.computeIfAbsent(section, k -> new Pending());
        Label entry = p.literals.computeIfAbsent(key, k -> new Label());
        if (p.firstLiteralUse < 0) p.firstLiteralUse = position();
        super.ldr(d, entry);
        updateDeadline(section, p);
    }

    /** Places this section's pending literals here ({@code .ltorg}); code must not fall through into them. */
    public MacroAssembler ltorg() {
        Pending p = pending.get(section);
        if (p != null) flush(section, p, false, false);
        return this;
    }

    /**
     * The offset at which a flush must happen: a flush there emits {@code b over}, then one veneer per pending
     * branch, then the 8-aligned literals, and every one of them must still be in reach of its user.
     */
    private void updateDeadline(Section s, Pending p) {
        int m = p.branches.size(), n = p.literals.size();
        long limit = Long.MAX_VALUE;
        for (FarBranch b : p.branches) limit = Math.min(limit, b.at() + b.maxForward() - 4L * m);
        if (p.firstLiteralUse >= 0) limit = Math.min(limit, p.firstLiteralUse + LITERAL_RANGE - 4L * m - 8L * n - SLACK);
        s.deadline = limit == Long.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(0, limit);
    }

    @Override
    protected void deadlineReached(Section s) {
        Pending p = pending.get(s);
        s.deadline = Integer.MAX_VALUE;
        if (p != null) flush(s, p, true, true);
    }

    /** Emits veneers for forward branches still unresolved, then the literals; optionally branches over. */
    private void flush(Section s, Pending p, boolean branchOver, boolean veneers) {
        Section back = section;
        switchTo(s);
        s.deadline = Integer.MAX_VALUE;
        p.branches.removeIf(b -> b.target().isBound());
        java.util.List<FarBranch> branches = new java.util.ArrayList<>();
        if (veneers) {
            branches.addAll(p.branches);
            p.branches.clear();
        }
        if (branches.isEmpty() && p.literals.isEmpty()) {
            updateDeadline(s, p);
            switchTo(back);
            return;
        }
        Label over = new Label();
        if (branchOver) super.b(over);
        for (FarBranch b : branches) {
            // Retarget the short branch to a veneer here, which jumps (+-128 MiB) to the real target.
            b.target().pending.removeIf(f -> f.section() == s && f.offset() == b.at());
            Label veneer = new Label();
            bind(veneer);
            String why = b.kind().apply(s.bytes, b.at(), veneer.offset, b.at());
            if (why != null) throw new EncodingException("veneer for the branch at " + s.name + "+0x"
                    + Integer.toHexString(b.at()) + " placed too late: " + why);
            super.b(b.target());
        }
        if (!p.literals.isEmpty()) {
            if ((position() & 7) != 0) word(0);
            for (java.util.Map.Entry<Object, Label> e : p.literals.entrySet()) {
                bind(e.getValue());
                if (e.getKey() instanceof AddressOf a) quad(a.symbol(), a.addend());
                else quad((Long) e.getKey());
            }
            p.literals.clear();
            p.firstLiteralUse = -1;
        }
        if (branchOver) bind(over);
        updateDeadline(s, p);
        switchTo(back);
    }

    /** Notes a short forward branch to an unbound label, which may need a veneer later. */
    private void trackForward(int at, Label target, RelocKind kind, int fieldBits) {
        if (target.isBound()) return;
        Pending p = pending.computeIfAbsent(section, k -> new Pending());
        p.branches.add(new FarBranch(at, target, kind, (1L << (fieldBits + 1)) - 4));
        updateDeadline(section, p);
    }

    /** True if a branch at the current position reaches bound {@code target} in {@code fieldBits} (x4). */
    private boolean reaches(Label target, int fieldBits) {
        long d = target.offset - (long) position();
        return d >= -(1L << (fieldBits + 1)) && d < (1L << (fieldBits + 1));
    }

    private boolean backwardHere(Label target) {
        return target.isBound() && target.section == section;
    }

    /**
     * A short conditional branch that reaches any distance: a backward target out of its range becomes the
     * inverted branch over a {@code b}; a forward one is emitted as is and gets a veneer if the code grows past
     * its range before the label is bound.
     */
    private Assembler relaxed(Label target, int fieldBits, RelocKind kind, Runnable shortBranch,
                              java.util.function.Consumer<Label> invertedBranch) {
        if (backwardHere(target) && !reaches(target, fieldBits)) {
            Label skip = new Label();
            invertedBranch.accept(skip);
            super.b(target);
            bind(skip);
            return this;
        }
        int at = position();
        shortBranch.run();
        trackForward(at, target, kind, fieldBits);
        return this;
    }

    /** {@code b.cond label}, reaching any distance (see {@link #relaxed}). */
    @Override
    public Assembler b(Condition c, Label target) {
        if (c == Condition.AL || c == Condition.NV) return super.b(c, target);   // no inverse to branch over
        return relaxed(target, 19, RelocKind.CONDBR19, () -> super.b(c, target), skip -> super.b(c.invert(), skip));
    }

    @Override
    public Assembler cbz(XOrZr t, Label target) {
        return relaxed(target, 19, RelocKind.CONDBR19, () -> super.cbz(t, target), skip -> super.cbnz(t, skip));
    }

    @Override
    public Assembler cbnz(XOrZr t, Label target) {
        return relaxed(target, 19, RelocKind.CONDBR19, () -> super.cbnz(t, target), skip -> super.cbz(t, skip));
    }

    @Override
    public Assembler cbz(WOrZr t, Label target) {
        return relaxed(target, 19, RelocKind.CONDBR19, () -> super.cbz(t, target), skip -> super.cbnz(t, skip));
    }

    @Override
    public Assembler cbnz(WOrZr t, Label target) {
        return relaxed(target, 19, RelocKind.CONDBR19, () -> super.cbnz(t, target), skip -> super.cbz(t, skip));
    }

    @Override
    public Assembler tbz(XOrZr t, int bit, Label target) {
        return relaxed(target, 14, RelocKind.TSTBR14, () -> super.tbz(t, bit, target), skip -> super.tbnz(t, bit, skip));
    }

    @Override
    public Assembler tbnz(XOrZr t, int bit, Label target) {
        return relaxed(target, 14, RelocKind.TSTBR14, () -> super.tbnz(t, bit, target), skip -> super.tbz(t, bit, skip));
    }

    @Override
    public Assembler tbz(WOrZr t, int bit, Label target) {
        return relaxed(target, 14, RelocKind.TSTBR14, () -> super.tbz(t, bit, target), skip -> super.tbnz(t, bit, skip));
    }

    @Override
    public Assembler tbnz(WOrZr t, int bit, Label target) {
        return relaxed(target, 14, RelocKind.TSTBR14, () -> super.tbnz(t, bit, target), skip -> super.tbz(t, bit, skip));
    }

    // ---- initialised structs ------------------------------------------------------------------------------------

    /**
     * An initialised instance of {@code layout} in the current section (aligned as the struct requires), fields
     * not named being zero; returns its label.
     */
    public Label instance(Struct layout, java.util.Map<String, Long> values) {
        align(layout.alignment());
        Label l = new Label();
        bind(l);
        for (byte b : layout.instance(values)) byte_(b);
        return l;
    }

    // ---- functions ------------------------------------------------------------------------------------------

    /** A routine being written: its symbol, its frame, and where its returns go. */
    public final class Function {
        public final Label symbol;
        private final XReg[] saved;
        private final int locals;
        private final int frameSize;
        private final int start;

        private Function(Label symbol, XReg[] saved, int locals) {
            this.symbol = symbol;
            this.saved = saved;
            this.locals = (locals + 15) & ~15;
            int n = saved == null ? 0 : saved.length;
            int regs = n + (n % 2); // keep pairs, sp 16-aligned
            this.frameSize = 16 + regs * 8 + this.locals;
            this.start = position();
        }

        /** The offset from sp of the local area (sp-relative, valid inside the function body). */
        public int localsOffset() {
            int n = saved == null ? 0 : saved.length;
            return 16 + (n + (n % 2)) * 8;
        }

        private void prologue() {
            if (isLeaf()) return;
            stp(fp, lr, Mem.preIndex(sp, -frameSize));
            add(fp, sp, 0);
            for (int i = 0; i < saved.length; i += 2) {
                if (i + 1 < saved.length) stp(saved[i], saved[i + 1], Mem.mem(sp, 16 + i * 8));
                else str(saved[i], Mem.mem(sp, 16 + i * 8));
            }
        }

        private boolean isLeaf() {
            return saved == null;
        }

        /** Restores the frame and returns (may be used several times in a function). */
        public void leave() {
            if (!isLeaf()) {
                for (int i = 0; i < saved.length; i += 2) {
                    if (i + 1 < saved.length) ldp(saved[i], saved[i + 1], Mem.mem(sp, 16 + i * 8));
                    else ldr(saved[i], Mem.mem(sp, 16 + i * 8));
                }
                ldp(fp, lr, Mem.postIndex(sp, frameSize));
            }
            ret();
        }
    }

    /**
     * A global function with an AAPCS64 frame that saves fp, lr and {@code saved} (callee-saved registers the
     * body uses) and reserves {@code localBytes} of stack. The body ends with {@link #leave()} (or loops forever);
     * the symbol's size is set when the body returns.
     */
    public Label function(String name, XReg[] saved, int localBytes, Runnable body) {
        return function(new Label(name).global(), saved, localBytes, body);
    }

    public Label function(Label symbol, XReg[] saved, int localBytes, Runnable body) {
        if (function != null) throw new EncodingException("function " + symbol + " inside function "
                + function.symbol + " (at " + CallSite.find() + ")");
        align(4);
        bind(symbol);
        symbol.function();
        functions.add(symbol);
        Function f = new Function(symbol, saved, localBytes);
        function = f;
        try {
            f.prologue();
            body.run();
        } finally {
            function = null;
        }
        symbol.size(position() - f.start);
        Pending p = pending.get(section);
        if (p != null && !p.literals.isEmpty()) flush(section, p, false, false); // the pool follows the function
        return symbol;
    }

    /** A leaf function: no frame, lr untouched. */
    public Label leafFunction(String name, Runnable body) {
        return function(new Label(name).global(), null, 0, body);
    }

    public Label leafFunction(Label symbol, Runnable body) {
        return function(symbol, null, 0, body);
    }

    /** Every function declared with {@link #function} or {@link #leafFunction}, in the order declared. */
    public java.util.List<Label> functions() {
        return java.util.List.copyOf(functions);
    }

    /** Returns from the current function, restoring its frame. */
    public void leave() {
        if (function == null) throw new EncodingException("leave() outside a function (at " + CallSite.find() + ")");
        function.leave();
    }

    /** The current function (for its locals offset). */
    public Function currentFunction() {
        return function;
    }

    /** {@code bl target} */
    public MacroAssembler call(Label target) {
        bl(target);
        return this;
    }

    // ---- pasted GNU assembly -----------------------------------------------------------------------------------

    private final java.util.Map<String, Label> textLabels = new java.util.HashMap<>();

    /**
     * Assembles GNU-syntax text here (see {@link org.capazos.dsl.text.TextAssembler}). Named labels are shared
     * between all asm() blocks of this assembler and with {@link #textLabel}.
     */
    public MacroAssembler asm(String text) {
        new org.capazos.dsl.text.TextAssembler(this, textLabels).assemble(text, CallSite.find());
        return this;
    }

    /** The label {@code name} as the text front end sees it (to bind or reference it from Java). */
    public Label textLabel(String name) {
        return textLabels.computeIfAbsent(name, Label::new);
    }

    // ---- structured control flow ----------------------------------------------------------------------------

    private record Loop(Label top, Label exit) { }

    /** Runs {@code then} if condition {@code c} holds (flags set by the caller). */
    public MacroAssembler ifThen(Condition c, Runnable then) {
        Label skip = new Label();
        b(c.invert(), skip);
        then.run();
        bind(skip);
        return this;
    }

    /** if (c) then else otherwise. */
    public MacroAssembler ifThenElse(Condition c, Runnable then, Runnable otherwise) {
        Label elseL = new Label(), end = new Label();
        b(c.invert(), elseL);
        then.run();
        b(end);
        bind(elseL);
        otherwise.run();
        bind(end);
        return this;
    }

    /** while (test()) body: {@code test} emits a comparison and returns the condition to continue on. */
    public MacroAssembler whileLoop(Supplier<Condition> test, Runnable body) {
        Label top = new Label(), exit = new Label();
        bind(top);
        Condition c = test.get();
        b(c.invert(), exit);
        loops.push(new Loop(top, exit));
        try {
            body.run();
        } finally {
            loops.pop();
        }
        b(top);
        bind(exit);
        return this;
    }

    /** do body while (test()). */
    public MacroAssembler doWhile(Runnable body, Supplier<Condition> test) {
        Label top = new Label(), next = new Label(), exit = new Label();
        bind(top);
        loops.push(new Loop(next, exit));
        try {
            body.run();
        } finally {
            loops.pop();
        }
        bind(next);
        b(test.get(), top);
        bind(exit);
        return this;
    }

    /** An endless loop, left with {@link #breakLoop()} or {@link #breakIf}. */
    public MacroAssembler loop(Runnable body) {
        Label top = new Label(), exit = new Label();
        bind(top);
        loops.push(new Loop(top, exit));
        try {
            body.run();
        } finally {
            loops.pop();
        }
        b(top);
        bind(exit);
        return this;
    }

    /** {@code for (counter = 0; counter < limit; counter++) body}, with {@code limit} a register. */
    public MacroAssembler forRange(XReg counter, XOrZr limit, Runnable body) {
        mov(counter, 0L);
        whileLoop(() -> {
            cmp(counter, limit);
            return Condition.LO;
        }, () -> {
            Label cont = new Label();
            Loop outer = loops.pop();
            loops.push(new Loop(cont, outer.exit()));
            body.run();
            bind(cont);
            add(counter, counter, 1);
        });
        return this;
    }

    private Loop innermost() {
        Loop l = loops.peek();
        if (l == null) throw new EncodingException("break/continue outside a loop (at " + CallSite.find() + ")");
        return l;
    }

    /** The label just after the innermost loop (for cbz/tbz exits). */
    public Label loopExit() {
        return innermost().exit();
    }

    public MacroAssembler breakLoop() {
        b(innermost().exit());
        return this;
    }

    public MacroAssembler breakIf(Condition c) {
        b(c, innermost().exit());
        return this;
    }

    public MacroAssembler continueLoop() {
        b(innermost().top());
        return this;
    }

    public MacroAssembler continueIf(Condition c) {
        b(c, innermost().top());
        return this;
    }
}
