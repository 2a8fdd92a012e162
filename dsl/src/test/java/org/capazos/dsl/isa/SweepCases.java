package org.capazos.dsl.isa;

import org.capazos.dsl.Assembler;
import org.capazos.dsl.BarrierOption;
import org.capazos.dsl.Condition;
import org.capazos.dsl.EncodingException;
import org.capazos.dsl.Extend;
import org.capazos.dsl.Label;
import org.capazos.dsl.Lo12;
import org.capazos.dsl.Mem;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.PStateField;
import org.capazos.dsl.Register;
import org.capazos.dsl.Registers;
import org.capazos.dsl.Section;
import org.capazos.dsl.Shift;
import org.capazos.dsl.SystemOperation;
import org.capazos.dsl.SystemRegister;
import org.capazos.dsl.WOrZr;
import org.capazos.dsl.XOrSp;
import org.capazos.dsl.XOrZr;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.Relocation;
import org.capazos.isa.Form;
import org.capazos.isa.IsaTable;
import org.capazos.isa.OperandKind;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The operand sweep over the instruction table, shared by the differential tests (against llvm-mc and
 * Keystone) and by the text front end's tests: for every row of {@code a64.isa}, operand values derived from
 * the row's operand kinds alone (every register the kind allows, the ends of every immediate range, every
 * shift, extend, condition, barrier, prefetch operation and named system register or operation, branch targets
 * at the limits of their range), each as a {@link Case} with the Java call, one line of GNU syntax and the
 * bytes the DSL produced for it.
 * <p>Nothing here is listed per row: a row's cases come from its kinds, so a new row is swept as soon as it is
 * in the table. The positive cases are {@link #positive()}, the invalid ones {@link #negative()}.
 */
public final class SweepCases {
    private SweepCases() { }

    // =========================================================================================================
    // the records
    // =========================================================================================================

    /** How a case's label operand is made. */
    public enum TargetKind {
        /** No label operand. */
        NONE,
        /** A label bound in the same section at {@code targetValue} bytes from the instruction (a fixup). */
        BRANCH,
        /** adrp: an external symbol {@code targetValue} bytes (a multiple of 4096) from the instruction's page. */
        PAGE,
        /** :lo12: of an external symbol whose low 12 bits are {@code targetValue}. */
        LO12
    }

    /** One instruction of the sweep. */
    public static final class Case {
        /** The table row the operands were made for (the method may pick an earlier row of its group). */
        public final Form row;
        /** The Java call, e.g. {@code ldr(x0, mem(sp, 8))}. */
        public final String java;
        /** One line of GNU syntax llvm-mc assembles to the same bytes; labels are written as {@code #offset}. */
        public final String gnu;
        /** The label operand, if any. */
        public final TargetKind target;
        /** The branch distance, page distance or low 12 bits (see {@link TargetKind}). */
        public final long targetValue;
        final Object[] args;
        final String why; // negative cases: what is wrong
        Integer word;
        String dslError;

        Case(Form row, Object[] args, String java, String gnu, TargetKind target, long targetValue, String why) {
            this.row = row;
            this.args = args;
            this.java = java;
            this.gnu = gnu;
            this.target = target;
            this.targetValue = targetValue;
            this.why = why;
        }

        /** The instruction word the DSL emitted (positive cases). */
        public int word() {
            if (word == null) throw new IllegalStateException("no word for " + this + ": " + dslError);
            return word;
        }

        /** The little-endian bytes of {@link #word()}. */
        public byte[] bytes() {
            int w = word();
            return new byte[] {(byte) w, (byte) (w >> 8), (byte) (w >> 16), (byte) (w >> 24)};
        }

        /** The DSL's exception message, if it rejected the case. */
        public String dslError() {
            return dslError;
        }

        /** What is wrong with a negative case, in words. */
        public String why() {
            return why;
        }

        /**
         * The case as a small GNU program with a real label {@code name} where the case has a branch target: the
         * label placed with {@code .space} padding so the distance is {@link #targetValue}; the instruction is the
         * one 4-byte word at offset {@link #instructionOffset()}. Other cases are just {@link #gnu}.
         */
        public String program(String name) {
            if (target != TargetKind.BRANCH) return gnu;
            String insn = gnu.substring(0, gnu.lastIndexOf('#')) + name;
            long d = targetValue;
            if (d >= 4) return insn + "\n.space " + (d - 4) + "\n" + name + ":";
            long p = instructionOffset();
            return (p + d > 0 ? ".space " + (p + d) + "\n" : "") + name + ":\n" + (-d > 0 ? ".space " + (-d) + "\n" : "")
                    + insn;
        }

        /** Where {@link #program} puts the instruction. */
        public long instructionOffset() {
            if (target != TargetKind.BRANCH || targetValue >= 0) return 0;
            return (-targetValue + 3) & ~3L;
        }

        @Override
        public String toString() {
            return "a64.isa:" + row.line() + " " + java + "  /  " + gnu;
        }
    }

    // =========================================================================================================
    // operand values by kind
    // =========================================================================================================

    /** A value of a kind: its Java arguments, its GNU text and its Java source text. */
    record Val(Object[] args, String text, String java, TargetKind target, long targetValue) {
        Val(Object arg, String text, String java) {
            this(new Object[] {arg}, text, java, TargetKind.NONE, 0);
        }

        Val(Object[] args, String text, String java) {
            this(args, text, java, TargetKind.NONE, 0);
        }
    }

    static final List<Register> X = new ArrayList<>(), W = new ArrayList<>();
    static {
        for (int i = 0; i < 31; i++) {
            X.add((Register) Registers.x(i));
            W.add((Register) Registers.w(i));
        }
    }

    static Val reg(Register r) {
        return new Val(r, r.toString(), r.toString());
    }

    static List<Val> regs(List<Register> base, Register extra) {
        List<Val> v = new ArrayList<>();
        for (Register r : base) v.add(reg(r));
        if (extra != null) v.add(reg(extra));
        return v;
    }

    static Val i(int v) {
        return new Val(v, "#" + v, Integer.toString(v));
    }

    static Val l(long v) {
        return new Val(v, "#" + v, javaLong(v));
    }

    static String javaLong(long v) {
        return (v < 0 || v < 1024 ? Long.toString(v) : "0x" + Long.toHexString(v)) + "L";
    }

    static List<Val> ints(int from, int to) {
        List<Val> v = new ArrayList<>();
        for (int k = from; k <= to; k++) v.add(i(k));
        return v;
    }

    static List<Val> ints(int... vs) {
        List<Val> v = new ArrayList<>();
        for (int k : vs) v.add(i(k));
        return v;
    }

    static List<Val> hw(int... vs) {
        List<Val> v = new ArrayList<>();
        for (int k : vs) v.add(new Val(k, "lsl #" + k, Integer.toString(k)));
        return v;
    }

    static List<Val> longs(long... vs) {
        List<Val> v = new ArrayList<>();
        for (long k : vs) v.add(l(k));
        return v;
    }

    static String lc(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static Val shift(Shift s, int amount) {
        return new Val(new Object[] {s, amount}, lc(s) + " #" + amount, s.name() + ", " + amount);
    }

    static Val extend(Extend e, int amount) {
        return new Val(new Object[] {e, amount}, lc(e) + " #" + amount, e.name() + ", " + amount);
    }

    static Val extendOnly(Extend e) {
        return new Val(e, lc(e), e.name());
    }

    static Val pair(int lsb, int width) {
        return new Val(new Object[] {lsb, width}, "#" + lsb + ", #" + width, lsb + ", " + width);
    }

    static Val addImmSh(long imm, Shift s, int amount) {
        return new Val(new Object[] {imm, s, amount}, "#" + imm + ", " + lc(s) + " #" + amount,
                javaLong(imm) + ", " + s.name() + ", " + amount);
    }

    // ---- memory operands ------------------------------------------------------------------------------------

    static String memText(Mem m) {
        return switch (m.mode) {
            case OFFSET -> m.offset == 0 ? "[" + m.base + "]" : "[" + m.base + ", #" + m.offset + "]";
            case PRE_INDEX -> "[" + m.base + ", #" + m.offset + "]!";
            case POST_INDEX -> "[" + m.base + "], #" + m.offset;
            case REGISTER -> "[" + m.base + ", " + m.index + (m.extend == null ? ""
                    : ", " + ((Enum<?>) m.extend).name().toLowerCase(Locale.ROOT) + (m.amount < 0 ? "" : " #" + m.amount))
                    + "]";
        };
    }

    static String memJava(Mem m) {
        return switch (m.mode) {
            case OFFSET -> m.offset == 0 ? "mem(" + m.base + ")" : "mem(" + m.base + ", " + m.offset + ")";
            case PRE_INDEX -> "preIndex(" + m.base + ", " + m.offset + ")";
            case POST_INDEX -> "postIndex(" + m.base + ", " + m.offset + ")";
            case REGISTER -> "mem(" + m.base + ", " + m.index + (m.extend == null ? ""
                    : ", " + ((Enum<?>) m.extend).name() + (m.amount < 0 ? "" : ", " + m.amount)) + ")";
        };
    }

    static Val mem(Mem m) {
        return new Val(m, memText(m), memJava(m));
    }

    static List<XOrSp> bases() {
        List<XOrSp> b = new ArrayList<>();
        for (Register r : X) b.add((XOrSp) r);
        b.add(Registers.sp);
        return b;
    }

    /** Every base register with offsets cycling through {@code offsets}, and every offset with sp and x0. */
    static List<Val> memOffsets(Function<XOrSp, Function<Long, Mem>> make, long... offsets) {
        List<Val> v = new ArrayList<>();
        List<XOrSp> bs = bases();
        int n = Math.max(bs.size(), offsets.length);
        for (int k = 0; k < n; k++) v.add(mem(make.apply(bs.get(k % bs.size())).apply(offsets[k % offsets.length])));
        for (long off : offsets) {
            v.add(mem(make.apply(Registers.sp).apply(off)));
            v.add(mem(make.apply(Registers.x0).apply(off)));
        }
        return v;
    }

    /** Register-offset operands of an access of 2^scale bytes: every index form, every base and index. */
    static List<Mem> memRegForms(XOrSp base, int k, int scale) {
        XOrZr xi = k % 32 == 31 ? Registers.xzr : Registers.x(k % 32);
        WOrZr wi = k % 32 == 31 ? Registers.wzr : Registers.w(k % 32);
        List<Mem> f = new ArrayList<>();
        f.add(Mem.mem(base, xi));
        f.add(Mem.mem(base, xi, Shift.LSL, scale));
        if (scale != 0) f.add(Mem.mem(base, xi, Shift.LSL, 0));
        f.add(Mem.mem(base, xi, Extend.SXTX));
        f.add(Mem.mem(base, xi, Extend.SXTX, scale));
        if (scale != 0) f.add(Mem.mem(base, xi, Extend.SXTX, 0));
        for (Extend e : List.of(Extend.UXTW, Extend.SXTW)) {
            f.add(Mem.mem(base, wi, e));
            f.add(Mem.mem(base, wi, e, scale));
            if (scale != 0) f.add(Mem.mem(base, wi, e, 0));
        }
        return f;
    }

    static List<Val> memReg(int scale) {
        List<Val> v = new ArrayList<>();
        List<XOrSp> bs = bases();
        for (int k = 0; k < 32; k++) {
            List<Mem> forms = memRegForms(bs.get((k * 7 + 3) % 32), k, scale);
            v.add(mem(forms.get(k % forms.size())));
        }
        for (Mem m : memRegForms(Registers.sp, 5, scale)) v.add(mem(m));
        return v;
    }

    // ---- branch targets -------------------------------------------------------------------------------------

    static Val target(TargetKind kind, long value) {
        String java = switch (kind) {
            case BRANCH -> "label /* at " + (value >= 0 ? "+" : "") + value + " */";
            case PAGE -> "sym /* page " + (value >= 0 ? "+" : "") + value + " */";
            case LO12 -> "lo12(sym) /* low 12 bits 0x" + Long.toHexString(value) + " */";
            case NONE -> throw new IllegalArgumentException();
        };
        return new Val(new Object[] {null}, "#" + value, java, kind, value);
    }

    static List<Val> branches(long... distances) {
        List<Val> v = new ArrayList<>();
        for (long d : distances) v.add(target(TargetKind.BRANCH, d));
        return v;
    }

    // ---- all 64-bit and 32-bit logical immediates -----------------------------------------------------------

    /** Every value a logical immediate of a {@code regBits}-bit operation can encode (5334 and 1302 of them). */
    static List<Long> bitmaskImmediates(int regBits) {
        Set<Long> out = new LinkedHashSet<>();
        for (int size = 2; size <= regBits; size *= 2) {
            for (int ones = 1; ones < size; ones++) {
                for (int rot = 0; rot < size; rot++) {
                    long elem = (1L << ones) - 1;
                    long mask = size == 64 ? -1L : (1L << size) - 1;
                    long r = size == 64 ? Long.rotateRight(elem, rot)
                            : ((elem >>> rot) | (elem << (size - rot))) & mask;
                    long v = 0;
                    for (int k = 0; k < regBits; k += size) v |= r << k;
                    out.add(v);
                }
            }
        }
        return new ArrayList<>(out);
    }

    // ---- the values of each kind ----------------------------------------------------------------------------

    private static final Map<String, List<Val>> VALID = new HashMap<>();

    /** Every valid value of a kind the sweep uses. */
    static List<Val> valid(OperandKind k) {
        return VALID.computeIfAbsent(k.name(), n -> makeValid(k));
    }

    private static List<Val> makeValid(OperandKind k) {
        switch (k.name()) {
            case "Xr": return regs(X, (Register) Registers.xzr);
            case "XrNz": return regs(X, null);
            case "WrNz": return regs(W, null);
            case "Xs": return regs(X, (Register) Registers.sp);
            case "X": return regs(X, null);
            case "Sp": return List.of(reg((Register) Registers.sp));
            case "Wr": return regs(W, (Register) Registers.wzr);
            case "Ws": return regs(W, (Register) Registers.wsp);
            case "W": return regs(W, null);
            case "Wsp": return List.of(reg((Register) Registers.wsp));
            case "XPair": case "WPair": {
                boolean x = k.name().equals("XPair");
                List<Val> v = new ArrayList<>();
                for (int r = 0; r <= 30; r += 2) {
                    Register a = x ? X.get(r) : W.get(r);
                    Register b = r == 30 ? (Register) (x ? Registers.xzr : Registers.wzr) : (x ? X.get(r + 1) : W.get(r + 1));
                    v.add(new Val(new Object[] {a, b}, a + ", " + b, a + ", " + b));
                }
                return v;
            }
            case "AddImm": return longs(0, 1, 2, 0x7ff, 0x800, 4094, 4095, 4096, 0x2000, 0x7ff000, 0x800000, 0xfff000, 0x123000);
            case "AddImmSh": {
                List<Val> v = new ArrayList<>();
                for (long imm : new long[] {0, 1, 0x800, 4095, 0x123})
                    for (int sh : new int[] {0, 12}) v.add(addImmSh(imm, Shift.LSL, sh));
                v.add(addImmSh(4096, Shift.LSL, 0));
                v.add(addImmSh(0xfff000, Shift.LSL, 0));
                return v;
            }
            case "Bimm64": case "BimmN64": {
                List<Val> v = new ArrayList<>();
                for (long x : bitmaskImmediates(64)) v.add(l(x));
                return v;
            }
            case "Bimm32": case "BimmN32": {
                List<Val> v = new ArrayList<>();
                for (long x : bitmaskImmediates(32)) v.add(l(x & 0xffffffffL));
                v.addAll(longs(-2, -256, Integer.MIN_VALUE, -0x55555556L)); // the same, as signed 32-bit numbers
                return v;
            }
            case "U16": return longs(0, 1, 2, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x1234);
            case "Hw64": return hw(0, 16, 32, 48);
            case "Hw32": return hw(0, 16);
            case "MovzX": case "MovnX": case "MovzW": case "MovnW": {
                boolean n = k.name().startsWith("Movn"), w = k.name().endsWith("W");
                List<Val> v = new ArrayList<>();
                for (int hw = 0; hw < (w ? 2 : 4); hw++)
                    for (long c : new long[] {1, 0x8000, 0xffff, 0x1234, 0xfffe}) {
                        long x = c << (16 * hw);
                        if (n) x = w ? ~x & 0xffffffffL : ~x;
                        v.add(l(x));
                        if (n && w) v.add(l((int) x)); // also as a negative 32-bit number
                    }
                v.add(l(n ? (w ? 0xffffffffL : -1) : 0));
                if (n && w) v.add(l(-1));
                return v;
            }
            case "U7": return ints(0, 127);
            case "U6": return ints(0, 63);
            case "U5": case "PrfImm": return ints(0, 31);
            case "U4": return ints(0, 15);
            case "Lsl64": return ints(0, 63);
            case "Lsl32": return ints(0, 31);
            case "Bfx64": case "Bfi64": case "Bfx32": case "Bfi32": {
                int bits = k.name().endsWith("64") ? 64 : 32;
                List<Val> v = new ArrayList<>();
                for (int lsb = 0; lsb < bits; lsb++)
                    for (int width = 1; width <= bits - lsb; width++) v.add(pair(lsb, width));
                return v;
            }
            case "Tbit64": return ints(0, 63);
            case "Tbit32": return ints(0, 31);
            case "ShA64": case "ShA32": case "ShL64": case "ShL32": {
                boolean logic = k.name().startsWith("ShL");
                int[] amounts = k.name().endsWith("64") ? new int[] {0, 1, 7, 31, 32, 62, 63} : new int[] {0, 1, 15, 30, 31};
                List<Val> v = new ArrayList<>();
                for (Shift s : Shift.values()) {
                    if (s == Shift.ROR && !logic) continue;
                    for (int a : amounts) v.add(shift(s, a));
                }
                return v;
            }
            case "ExtW": case "ExtX": case "Ext32": case "ExtWz": case "ExtXz": case "Ext32z": {
                List<Val> v = new ArrayList<>();
                for (Extend e : Extend.values()) {
                    boolean x = e == Extend.UXTX || e == Extend.SXTX;
                    if (k.name().startsWith("ExtW") && x || k.name().startsWith("ExtX") && !x) continue;
                    if (k.name().endsWith("z")) v.add(extendOnly(e));
                    else for (int a = 0; a <= 4; a++) v.add(extend(e, a));
                }
                return v;
            }
            case "ExtLslX": case "ExtLslW": {
                List<Val> v = new ArrayList<>();
                for (int a = 0; a <= 4; a++) v.add(shift(Shift.LSL, a));
                return v;
            }
            case "Cond": {
                List<Val> v = new ArrayList<>();
                for (Condition c : Condition.values()) v.add(new Val(c, c.gnu(), c.name()));
                return v;
            }
            case "CondInv": {
                List<Val> v = new ArrayList<>();
                for (Condition c : Condition.values())
                    if (c != Condition.AL && c != Condition.NV) v.add(new Val(c, c.gnu(), c.name()));
                return v;
            }
            case "MemU0": return memOffsets(b -> o -> Mem.mem(b, o), 0, 1, 2, 255, 256, 1234, 4094, 4095);
            case "MemU1": return memOffsets(b -> o -> Mem.mem(b, o), 0, 2, 4, 510, 2468, 8188, 8190);
            case "MemU2": return memOffsets(b -> o -> Mem.mem(b, o), 0, 4, 8, 1020, 4936, 16376, 16380);
            case "MemU3": return memOffsets(b -> o -> Mem.mem(b, o), 0, 8, 16, 2040, 9872, 32752, 32760);
            case "MemS9": return memOffsets(b -> o -> Mem.mem(b, o), -256, -255, -17, -1, 0, 1, 7, 254, 255);
            case "MemPre": return memOffsets(b -> o -> Mem.preIndex(b, o), -256, -255, -1, 0, 1, 8, 254, 255);
            case "MemPost": return memOffsets(b -> o -> Mem.postIndex(b, o), -256, -255, -1, 0, 1, 8, 254, 255);
            case "MemR0": return memReg(0);
            case "MemR1": return memReg(1);
            case "MemR2": return memReg(2);
            case "MemR3": return memReg(3);
            case "MemP2": return memOffsets(b -> o -> Mem.mem(b, o), -256, -252, -4, 0, 4, 132, 248, 252);
            case "MemP3": return memOffsets(b -> o -> Mem.mem(b, o), -512, -504, -8, 0, 8, 264, 496, 504);
            case "MemP2Pre": return memOffsets(b -> o -> Mem.preIndex(b, o), -256, -252, -4, 0, 4, 132, 248, 252);
            case "MemP3Pre": return memOffsets(b -> o -> Mem.preIndex(b, o), -512, -504, -8, 0, 8, 264, 496, 504);
            case "MemP2Post": return memOffsets(b -> o -> Mem.postIndex(b, o), -256, -252, -4, 0, 4, 132, 248, 252);
            case "MemP3Post": return memOffsets(b -> o -> Mem.postIndex(b, o), -512, -504, -8, 0, 8, 264, 496, 504);
            case "Mem0": {
                List<Val> v = new ArrayList<>();
                for (XOrSp b : bases()) v.add(mem(Mem.mem(b)));
                return v;
            }
            case "Prf": {
                List<Val> v = new ArrayList<>();
                for (SystemOperation.Prefetch p : SystemOperation.Prefetch.values()) v.add(new Val(p, p.gnu(), p.name()));
                return v;
            }
            case "Rel26": return branches(-(1L << 27), -(1L << 27) + 4, -0x10000, -4, 0, 4, 8, 0x123450, (1L << 27) - 4);
            case "Rel19": return branches(-(1L << 20), -(1L << 20) + 4, -8, -4, 0, 4, 8, 0x1234, (1L << 20) - 4);
            case "Rel14": return branches(-(1L << 15), -(1L << 15) + 4, -4, 0, 4, 8, 0x124, (1L << 15) - 4);
            case "Adr21": return branches(-(1L << 20), -(1L << 20) + 1, -3, -1, 0, 4, 5, 7, 0x12345, (1L << 20) - 2, (1L << 20) - 1);
            case "Page21": {
                List<Val> v = new ArrayList<>();
                for (long d : new long[] {-(1L << 32), -(1L << 32) + 4096, -4096, 0, 4096, 0x12345000L, (1L << 32) - 4096})
                    v.add(target(TargetKind.PAGE, d));
                return v;
            }
            case "Lo12": {
                List<Val> v = new ArrayList<>();
                for (long d : new long[] {0, 1, 8, 0x7ff, 0x800, 0xabc, 0xfff}) v.add(target(TargetKind.LO12, d));
                return v;
            }
            case "SysRegR": case "SysRegW": {
                boolean read = k.name().equals("SysRegR");
                List<Val> v = new ArrayList<>();
                for (SystemRegister r : SystemRegister.named())
                    if (read ? r.readable : r.writable) v.add(sysreg(r));
                for (SystemRegister r : genericSysregs()) v.add(sysreg(r));
                return v;
            }
            case "PState": {
                List<Val> v = new ArrayList<>();
                for (PStateField f : PStateField.values())
                    for (int imm = 0; imm <= f.max; imm++) v.add(pstate(f, imm));
                return v;
            }
            case "Barrier": {
                List<Val> v = new ArrayList<>();
                for (BarrierOption o : BarrierOption.values()) v.add(new Val(o, lc(o), o.name()));
                return v;
            }
            case "SysOp": {
                List<Val> v = new ArrayList<>();
                for (SystemOperation o : SystemOperation.all())
                    v.add(new Val(o, "#" + o.op1 + ", c" + o.crn + ", c" + o.crm + ", #" + o.op2, constName(o)));
                return v;
            }
            case "SysRaw": {
                List<Val> v = new ArrayList<>();
                for (int n = 0; n < 16; n++) v.add(sysRaw(n % 8, n, 15 - n, (n * 3) % 8));
                v.add(sysRaw(7, 15, 15, 7));
                v.add(sysRaw(0, 0, 0, 0));
                return v;
            }
            case "DcOp": return sysops(o -> o.group == SystemOperation.Group.DC);
            case "IcOpR": return sysops(o -> o.group == SystemOperation.Group.IC && o.takesRegister);
            case "IcOpN": return sysops(o -> o.group == SystemOperation.Group.IC && !o.takesRegister);
            case "TlbiOpR": return sysops(o -> o.group == SystemOperation.Group.TLBI && o.takesRegister);
            case "TlbiOpN": return sysops(o -> o.group == SystemOperation.Group.TLBI && !o.takesRegister);
            case "AtOp": return sysops(o -> o.group == SystemOperation.Group.AT);
            default: throw new IllegalStateException("the sweep has no values for kind " + k.name()
                    + ": teach SweepCases.makeValid about it");
        }
    }

    static List<SystemRegister> genericSysregs() {
        return List.of(SystemRegister.of(2, 0, 0, 0, 0), SystemRegister.of(3, 7, 15, 15, 7),
                SystemRegister.of(3, 0, 15, 2, 0), SystemRegister.of(2, 3, 4, 5, 6), SystemRegister.of(3, 4, 11, 1, 3),
                SystemRegister.of(3, 5, 12, 3, 4));
    }

    static Val sysreg(SystemRegister r) {
        String java = SystemRegister.named().contains(r) ? r.name.toUpperCase(Locale.ROOT)
                : "SystemRegister.of(" + r.op0 + ", " + r.op1 + ", " + r.crn + ", " + r.crm + ", " + r.op2 + ")";
        return new Val(r, r.name, java);
    }

    static Val pstate(PStateField f, int imm) {
        return new Val(new Object[] {f, imm}, f.gnu() + ", #" + imm, f.name() + ", " + imm);
    }

    static Val sysRaw(int op1, int crn, int crm, int op2) {
        return new Val(new Object[] {op1, crn, crm, op2}, "#" + op1 + ", c" + crn + ", c" + crm + ", #" + op2,
                op1 + ", " + crn + ", " + crm + ", " + op2);
    }

    static String constName(SystemOperation o) {
        return (o.group.name() + "_" + o.name).toUpperCase(Locale.ROOT);
    }

    static List<Val> sysops(java.util.function.Predicate<SystemOperation> p) {
        List<Val> v = new ArrayList<>();
        for (SystemOperation o : SystemOperation.all()) if (p.test(o)) v.add(new Val(o, o.name, constName(o)));
        return v;
    }

    /** A few values of a kind, to go with the values of another operand being swept. */
    static List<Val> typical(OperandKind k) {
        List<Val> all = valid(k);
        if (k.isTarget()) {
            // small distances only: the large ones need large sections and are swept on their own
            List<Val> small = new ArrayList<>();
            for (Val v : all) if (Math.abs(v.targetValue()) <= 8 && (v.target() != TargetKind.BRANCH || v.targetValue() % 4 == 0)) small.add(v);
            return small;
        }
        if (all.size() <= 40) return all;
        List<Val> some = new ArrayList<>();
        int step = all.size() / 37;
        for (int n = 0; n < all.size(); n += step) some.add(all.get(n));
        some.add(all.get(all.size() - 1));
        return some;
    }

    // ---- invalid values -------------------------------------------------------------------------------------

    /** Values with the kind's Java types that break its rule (the DSL throws; llvm-mc rejects the text). */
    static List<Val> invalid(OperandKind k) {
        switch (k.name()) {
            case "XPair": case "WPair": {
                boolean x = k.name().equals("XPair");
                List<Val> v = new ArrayList<>();
                for (int[] p : new int[][] {{1, 2}, {0, 2}, {3, 4}, {2, 1}, {29, 30}}) {
                    Register a = x ? X.get(p[0]) : W.get(p[0]), b = x ? X.get(p[1]) : W.get(p[1]);
                    v.add(new Val(new Object[] {a, b}, a + ", " + b, a + ", " + b));
                }
                Register z = (Register) (x ? Registers.xzr : Registers.wzr);
                Register r0 = x ? X.get(0) : W.get(0);
                v.add(new Val(new Object[] {z, r0}, z + ", " + r0, z + ", " + r0));
                return v;
            }
            case "AddImm": return longs(4097, 0x1001, 0x1001000, 0xfff001, 0x1000000, -4097, 0x7fffffffffffffffL);
            case "AddImmSh": return List.of(addImmSh(4097, Shift.LSL, 0), addImmSh(4096, Shift.LSL, 12),
                    addImmSh(1, Shift.LSL, 1), addImmSh(1, Shift.LSL, 24), addImmSh(1, Shift.LSR, 12),
                    addImmSh(1, Shift.ASR, 0), addImmSh(5000, Shift.LSL, 12));
            case "Bimm64": case "BimmN64": return longs(0, -1, 0x1234, 5, 0xf0f0f0f0f0f0f0f1L, 0x8000000000000001L, 0x0123456789abcdefL);
            case "Bimm32": case "BimmN32": return longs(0, 0xffffffffL, -1, 0x100000000L, 0x1234, 5, 0x1ffffffffL, 0x80000001L);
            case "U16": return longs(-1, 65536 + 1, 0x12345, -65536);
            case "Hw64": return hw(8, 64, 1, 17);
            case "Hw32": return hw(32, 48, 8);
            case "MovzX": case "MovnX": case "Bimm64Mov": return longs(0x12345, 0x1234_5678_9abc_def0L, 0x10001, 0xfffe0001L);
            case "MovzW": case "MovnW": return longs(0x12345, 0x100000000L, 0x10001, -0x100000000L, 0xfffe0001L);
            case "U7": return ints(128, -1, 255);
            case "U6": return ints(64, -1, 100);
            case "U5": case "PrfImm": return ints(32, -1);
            case "U4": return ints(16, -1);
            case "Lsl64": return ints(64, -1);
            case "Lsl32": return ints(32, -1);
            case "Bfx64": case "Bfi64": return List.of(pair(64, 1), pair(0, 0), pair(0, 65), pair(60, 5), pair(63, 2), pair(-1, 1));
            case "Bfx32": case "Bfi32": return List.of(pair(32, 1), pair(0, 0), pair(0, 33), pair(30, 3), pair(31, 2), pair(-1, 1));
            case "Tbit64": return ints(64, -1);
            case "Tbit32": return ints(32, -1);
            case "ShA64": return List.of(shift(Shift.ROR, 1), shift(Shift.ROR, 0), shift(Shift.LSL, 64), shift(Shift.ASR, 64), shift(Shift.LSR, -1));
            case "ShA32": return List.of(shift(Shift.ROR, 1), shift(Shift.LSL, 32), shift(Shift.ASR, 32), shift(Shift.LSR, 63));
            case "ShL64": return List.of(shift(Shift.LSL, 64), shift(Shift.ROR, 64), shift(Shift.LSR, -1));
            case "ShL32": return List.of(shift(Shift.LSL, 32), shift(Shift.ROR, 32), shift(Shift.ASR, 63));
            case "ExtW": return List.of(extend(Extend.UXTX, 0), extend(Extend.SXTX, 2), extend(Extend.UXTW, 5), extend(Extend.SXTB, -1));
            case "ExtX": return List.of(extend(Extend.UXTX, 5), extend(Extend.SXTX, 7), extend(Extend.UXTW, 0), extend(Extend.SXTH, 1));
            case "Ext32": return List.of(extend(Extend.UXTB, 5), extend(Extend.SXTX, 6));
            case "ExtWz": return List.of(extendOnly(Extend.UXTX), extendOnly(Extend.SXTX));
            case "ExtXz": return List.of(extendOnly(Extend.UXTW), extendOnly(Extend.SXTB), extendOnly(Extend.UXTH));
            case "ExtLslX": case "ExtLslW": return List.of(shift(Shift.LSL, 5), shift(Shift.LSR, 0), shift(Shift.ASR, 2), shift(Shift.ROR, 1));
            case "CondInv": return List.of(new Val(Condition.AL, "al", "AL"), new Val(Condition.NV, "nv", "NV"));
            case "XrNz": return List.of(reg((Register) Registers.xzr));
            case "WrNz": return List.of(reg((Register) Registers.wzr));
            case "MemU0": case "MemU1": case "MemU2": case "MemU3": case "MemS9": {
                boolean s9 = k.name().equals("MemS9");
                int scale = s9 ? 0 : k.name().charAt(4) - '0';
                List<Val> v = new ArrayList<>();
                long max = s9 ? 255 : 4095L << scale;
                for (long off : new long[] {max + (1L << scale), -257, 256 + (scale > 0 ? 1 : 0), 1L << 20, max + 1, 4096})
                    if (off > max || off < -256 || off > 255 && (off & ((1L << scale) - 1)) != 0) v.add(mem(Mem.mem(Registers.x1, off)));
                v.add(mem(Mem.mem(Registers.x2, Registers.x3, Extend.UXTW)));
                v.add(mem(Mem.mem(Registers.x2, Registers.w3, Extend.UXTX, 0)));
                v.add(mem(Mem.mem(Registers.x2, Registers.x3, Shift.LSL, scale + 1)));
                if (k.name().equals("MemS9")) {
                    v.add(mem(Mem.mem(Registers.sp, 256)));
                    v.add(mem(Mem.preIndex(Registers.x4, 8)));
                }
                return v;
            }
            case "MemPre": case "MemPost": {
                boolean pre = k.name().equals("MemPre");
                List<Val> v = new ArrayList<>();
                for (long off : new long[] {256, -257, 4096, -1024})
                    v.add(mem(pre ? Mem.preIndex(Registers.x1, off) : Mem.postIndex(Registers.sp, off)));
                return v;
            }
            case "MemR0": case "MemR1": case "MemR2": case "MemR3": {
                int scale = k.name().charAt(4) - '0';
                List<Val> v = new ArrayList<>();
                v.add(mem(Mem.mem(Registers.x1, Registers.x2, Extend.UXTW)));
                v.add(mem(Mem.mem(Registers.x1, Registers.x2, Extend.UXTX, scale)));
                v.add(mem(Mem.mem(Registers.x1, Registers.w2, Extend.SXTX)));
                v.add(mem(Mem.mem(Registers.x1, Registers.w2, Extend.UXTB)));
                v.add(mem(Mem.mem(Registers.x1, Registers.x2, Shift.LSL, scale + 1)));
                v.add(mem(Mem.mem(Registers.x1, Registers.w2, Extend.SXTW, scale == 0 ? 1 : scale - 1 == 0 ? 2 : scale - 1)));
                return v;
            }
            case "MemP2": case "MemP3": case "MemP2Pre": case "MemP3Pre": case "MemP2Post": case "MemP3Post": {
                int scale = k.name().charAt(4) - '0';
                boolean pre = k.name().endsWith("Pre"), post = k.name().endsWith("Post");
                List<Val> v = new ArrayList<>();
                for (long off : new long[] {64L << scale, -(65L << scale), 2, (1L << scale) + 1, 4096})
                    v.add(mem(pre ? Mem.preIndex(Registers.x1, off) : post ? Mem.postIndex(Registers.x1, off) : Mem.mem(Registers.x1, off)));
                return v;
            }
            case "Mem0": return List.of(mem(Mem.mem(Registers.x1, 8)), mem(Mem.mem(Registers.sp, -8)),
                    mem(Mem.preIndex(Registers.x1, 0)), mem(Mem.postIndex(Registers.x1, 8)), mem(Mem.mem(Registers.x1, Registers.x2)));
            case "Rel26": return branches(1L << 27, -(1L << 27) - 4, 6, -6);
            case "Rel19": return branches(1L << 20, -(1L << 20) - 4, 6, -2);
            case "Rel14": return branches(1L << 15, -(1L << 15) - 4, 5, -3);
            case "Adr21": return branches(1L << 20, -(1L << 20) - 1);
            case "SysRegR": {
                List<Val> v = new ArrayList<>();
                for (SystemRegister r : SystemRegister.named()) if (!r.readable) v.add(sysreg(r));
                return v;
            }
            case "SysRegW": {
                List<Val> v = new ArrayList<>();
                for (SystemRegister r : SystemRegister.named()) if (!r.writable) v.add(sysreg(r));
                return v;
            }
            case "PState": return List.of(pstate(PStateField.DAIFSET, 16), pstate(PStateField.DAIFCLR, -1),
                    pstate(PStateField.SPSEL, 16), pstate(PStateField.PAN, 2), pstate(PStateField.UAO, 2), pstate(PStateField.PAN, 15));
            case "SysRaw": return List.of(sysRaw(8, 7, 5, 0), sysRaw(0, 16, 5, 0), sysRaw(0, 7, 16, 0), sysRaw(0, 7, 5, 8), sysRaw(-1, 7, 5, 0));
            case "DcOp": return sysops(o -> o.group != SystemOperation.Group.DC && !o.name.startsWith("c") && !o.name.equals("zva"));
            case "IcOpR": return sysops(o -> !(o.group == SystemOperation.Group.IC && o.takesRegister) && o.takesRegister && !o.name.equals("ivau"));
            case "IcOpN": return sysops(o -> !(o.group == SystemOperation.Group.IC && !o.takesRegister) && !o.name.equals("iallu") && !o.name.equals("ialluis"));
            case "TlbiOpR": return sysops(o -> !(o.group == SystemOperation.Group.TLBI && o.takesRegister));
            case "TlbiOpN": return sysops(o -> !(o.group == SystemOperation.Group.TLBI && !o.takesRegister));
            case "AtOp": return sysops(o -> o.group != SystemOperation.Group.AT && !o.name.startsWith("s1") && !o.name.startsWith("s12"));
            default: return List.of();
        }
    }

    /** Registers of the wrong kind for a register operand: no Assembler method takes them there. */
    static List<Val> wrongRegisters(OperandKind k) {
        Register sp = (Register) Registers.sp, xzr = (Register) Registers.xzr, wsp = (Register) Registers.wsp,
                wzr = (Register) Registers.wzr;
        List<Register> r = switch (k.name()) {
            case "Xr", "XrNz" -> List.of(sp, W.get(3), wzr);
            case "Xs" -> List.of(xzr, W.get(4), wsp);
            case "X" -> List.of(sp, xzr, W.get(5));
            case "Sp" -> List.of(X.get(6), xzr, wsp);
            case "Wr", "WrNz" -> List.of(wsp, X.get(7), xzr);
            case "Ws" -> List.of(wzr, X.get(8), sp);
            case "W" -> List.of(wsp, wzr, X.get(9));
            case "Wsp" -> List.of(W.get(10), wzr, sp);
            default -> List.of();
        };
        List<Val> v = new ArrayList<>();
        for (Register x : r) v.add(reg(x));
        return v;
    }

    // =========================================================================================================
    // building the cases
    // =========================================================================================================

    /** The GNU text of a row with these operand values. */
    static String gnu(Form f, List<Val> vals) {
        List<String> texts = new ArrayList<>();
        for (Val v : vals) texts.add(v.text());
        String mn = f.mnemonic();
        if (mn.equals("b") && !f.operands().isEmpty() && f.operands().get(0).kind().name().equals("Cond")) {
            mn = "b." + texts.remove(0);
        }
        return texts.isEmpty() ? mn : mn + " " + String.join(", ", texts);
    }

    static String java(Form f, List<Val> vals) {
        List<String> parts = new ArrayList<>();
        for (Val v : vals) parts.add(v.java());
        return f.mnemonic() + "(" + String.join(", ", parts) + ")";
    }

    static Case make(Form f, List<Val> vals, String why) {
        List<Object> args = new ArrayList<>();
        TargetKind tk = TargetKind.NONE;
        long tv = 0;
        for (Val v : vals) {
            args.addAll(Arrays.asList(v.args()));
            if (v.target() != TargetKind.NONE) {
                tk = v.target();
                tv = v.targetValue();
            }
        }
        return new Case(f, args.toArray(), java(f, vals), gnu(f, vals), tk, tv, why);
    }

    /** True if the operand values obey the row's distinct constraints. */
    static boolean distinctOk(Form f, List<Val> vals) {
        for (Form.Distinct d : f.distinct()) {
            Object a = valueOf(f, vals, d.first()), b = valueOf(f, vals, d.second());
            if (!org.capazos.dsl.Enc.distinct(a, b)) return false;
        }
        return true;
    }

    static Object valueOf(Form f, List<Val> vals, String operand) {
        for (int n = 0; n < f.operands().size(); n++)
            if (f.operands().get(n).name().equals(operand)) return vals.get(n).args()[0];
        throw new IllegalArgumentException(operand);
    }

    /**
     * The positive cases of a row: each operand in turn takes every valid value of its kind while the others
     * take typical values (shifted along so that they vary too), skipping combinations the row's distinct
     * constraints forbid (they are negative cases).
     */
    static List<Case> positive(Form f) {
        List<Case> out = new ArrayList<>();
        int n = f.operands().size();
        if (n == 0) {
            out.add(make(f, List.of(), null));
            return out;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (int sweep = 0; sweep < n; sweep++) {
            List<Val> values = valid(f.operands().get(sweep).kind());
            for (int idx = 0; idx < values.size(); idx++) {
                for (int attempt = 0; attempt < 8; attempt++) {
                    List<Val> vals = new ArrayList<>();
                    for (int o = 0; o < n; o++) {
                        if (o == sweep) {
                            vals.add(values.get(idx));
                        } else {
                            List<Val> t = typical(f.operands().get(o).kind());
                            vals.add(t.get((idx * (o + 1) + o * 5 + attempt * 3) % t.size()));
                        }
                    }
                    if (!distinctOk(f, vals)) continue;
                    Case c = make(f, vals, null);
                    if (seen.add(c.gnu)) out.add(c);
                    break;
                }
            }
        }
        return out;
    }

    /** The negative cases of a row: one operand invalid at a time (value or register kind), others valid. */
    static List<Case> negative(Form f) {
        List<Case> out = new ArrayList<>();
        int n = f.operands().size();
        List<Val> base = new ArrayList<>();
        for (int o = 0; o < n; o++) base.add(typical(f.operands().get(o).kind()).get(o % typical(f.operands().get(o).kind()).size()));
        for (int attempt = 0; !distinctOk(f, base) && attempt < 32; attempt++) {
            base.clear();
            for (int o = 0; o < n; o++) {
                List<Val> t = typical(f.operands().get(o).kind());
                base.add(t.get((o + attempt * (o + 1)) % t.size()));
            }
        }
        for (int o = 0; o < n; o++) {
            OperandKind k = f.operands().get(o).kind();
            for (Val bad : invalid(k)) {
                List<Val> vals = new ArrayList<>(base);
                vals.set(o, bad);
                out.add(make(f, vals, "operand " + f.operands().get(o).name() + " breaks its rule: " + k.rule()));
            }
            for (Val bad : wrongRegisters(k)) {
                List<Val> vals = new ArrayList<>(base);
                vals.set(o, bad);
                out.add(make(f, vals, "operand " + f.operands().get(o).name() + " must be " + k.rule()));
            }
        }
        // the distinct constraints: the same register twice (by number, in either width)
        for (Form.Distinct d : f.distinct()) {
            int a = indexOf(f, d.first()), b = indexOf(f, d.second());
            for (int r : new int[] {0, 7, 30}) {
                List<Val> vals = new ArrayList<>(base);
                Val va = sameNumber(vals.get(a), r), vb = sameNumber(vals.get(b), r);
                vals.set(a, va);
                vals.set(b, vb);
                for (Form.Distinct other : f.distinct()) { // keep the other pairs apart
                    if (other == d) continue;
                    int oa = indexOf(f, other.first()), ob = indexOf(f, other.second());
                    for (int x : new int[] {oa, ob})
                        if (x != a && x != b) vals.set(x, sameNumber(vals.get(x), (r + 11 + x) % 29));
                }
                out.add(make(f, vals, d.first() + " and " + d.second() + " name the same register"));
            }
        }
        return out;
    }

    static int indexOf(Form f, String operand) {
        for (int n = 0; n < f.operands().size(); n++) if (f.operands().get(n).name().equals(operand)) return n;
        throw new IllegalArgumentException(operand);
    }

    /** The value {@code v} with its register (or its memory operand's base) replaced by number {@code r}. */
    static Val sameNumber(Val v, int r) {
        Object o = v.args()[0];
        if (o instanceof Mem m) {
            XOrSp b = Registers.x(r);
            Mem n = switch (m.mode) {
                case OFFSET -> Mem.mem(b, m.offset);
                case PRE_INDEX -> Mem.preIndex(b, m.offset);
                case POST_INDEX -> Mem.postIndex(b, m.offset);
                case REGISTER -> Mem.mem(b, (XOrZr) m.index);
            };
            return mem(n);
        }
        Register reg = (Register) o;
        return reg(reg.bits() == 64 ? (Register) Registers.x(r) : (Register) Registers.w(r));
    }

    // =========================================================================================================
    // running cases through the DSL
    // =========================================================================================================

    private static final Map<String, Method> METHODS = new HashMap<>();

    /** The generated method a row belongs to (its mnemonic and Java signature). */
    public static Method method(Form f) {
        List<Class<?>> types = new ArrayList<>();
        for (Form.Operand o : f.operands())
            for (OperandKind.Param p : o.kind().params()) types.add(javaType(p.type()));
        String key = f.mnemonic() + types;
        return METHODS.computeIfAbsent(key, k -> {
            try {
                return Assembler.class.getMethod(f.mnemonic(), types.toArray(new Class<?>[0]));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("no Assembler method for a64.isa:" + f.line() + " " + k, e);
            }
        });
    }

    static Class<?> javaType(String t) {
        switch (t) {
            case "int": return int.class;
            case "long": return long.class;
            default:
                try {
                    return Class.forName("org.capazos.dsl." + t.replace('.', '$'));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
        }
    }

    /** Calls the case's method; returns the DSL's exception or null. */
    static EncodingException call(Assembler a, Case c, Object[] args) {
        try {
            method(c.row).invoke(a, args);
            return null;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof EncodingException ee) return ee;
            throw new IllegalStateException(c + ": " + e.getCause(), e.getCause());
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw new IllegalStateException(c + ": " + e, e);
        }
    }

    /** Runs cases without a label operand through one shared section; records each word or error. */
    static void runPlain(List<Case> cases) {
        ModuleBuilder mb = new ModuleBuilder("sweep");
        Section s = mb.section(".text", Section.Kind.CODE);
        Assembler a = new Assembler(s);
        int[] at = new int[cases.size()];
        for (int n = 0; n < cases.size(); n++) {
            Case c = cases.get(n);
            int before = a.position();
            EncodingException e = call(a, c, c.args);
            at[n] = -1;
            if (e != null) c.dslError = e.getMessage();
            else if (a.position() == before + 4) at[n] = before;
            else c.dslError = "emitted " + (a.position() - before) + " bytes";
        }
        byte[] b = s.bytes();
        for (int n = 0; n < cases.size(); n++) if (at[n] >= 0) cases.get(n).word = readInt(b, at[n]);
    }

    /** Runs one case with a label operand in a module of its own. */
    static void runTarget(Case c) {
        ModuleBuilder mb = new ModuleBuilder("sweep");
        Section s = mb.section(".text", Section.Kind.CODE);
        Assembler a = new Assembler(s);
        Object[] args = c.args.clone();
        int slot = -1;
        for (int n = 0; n < args.length; n++) if (args[n] == null) slot = n;
        try {
            switch (c.target) {
                case BRANCH -> {
                    Label l = new Label();
                    long d = c.targetValue, p = c.instructionOffset();
                    args[slot] = l;
                    if (d >= 4) { // forward: a fixup when the label is bound
                        EncodingException e = call(a, c, args);
                        if (e != null) throw e;
                        a.space((int) (d - 4));
                        a.bind(l);
                    } else { // backward (or at the instruction itself): resolved when emitted
                        a.space((int) (p + d));
                        a.bind(l);
                        a.space((int) -d);
                        EncodingException e = call(a, c, args);
                        if (e != null) throw e;
                    }
                    c.word = readInt(s.bytes(), (int) p);
                }
                case PAGE, LO12 -> {
                    Label sym = Label.external("sym");
                    args[slot] = c.target == TargetKind.LO12 ? Lo12.lo12(sym) : sym;
                    EncodingException e = call(a, c, args);
                    if (e != null) throw e;
                    Module m = mb.build();
                    ModuleSection ms = m.section(".text");
                    byte[] bytes = ms.bytes();
                    if (ms.relocations().size() != 1) throw new EncodingException("expected one relocation, got "
                            + ms.relocations());
                    Relocation r = ms.relocations().get(0);
                    // the section at address 0: the place is the instruction's offset; the symbol where the case says
                    long place = r.offset();
                    long s0 = c.target == TargetKind.PAGE ? (place & ~0xfffL) + c.targetValue + 0x123
                            : 0x4000_0000L + c.targetValue;
                    String why = r.kind().apply(bytes, (int) r.offset(), s0 + r.addend(), place);
                    if (why != null) throw new EncodingException(r.kind() + ": " + why);
                    c.word = readInt(bytes, (int) place);
                }
                default -> throw new IllegalStateException();
            }
        } catch (EncodingException e) {
            c.dslError = e.getMessage();
        }
    }

    static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** Runs cases through the DSL: plain ones in one section, labelled ones each in a module of its own. */
    public static void run(List<Case> cases) {
        List<Case> plain = new ArrayList<>();
        for (Case c : cases) {
            if (c.target == TargetKind.NONE) plain.add(c);
            else runTarget(c);
        }
        runPlain(plain);
    }

    // =========================================================================================================
    // the whole table
    // =========================================================================================================

    private static List<Case> positive, negative;

    /** Every positive case of every row, run through the DSL (so {@link Case#word()} is what the DSL emits). */
    public static synchronized List<Case> positive() {
        if (positive == null) {
            List<Case> all = new ArrayList<>();
            for (Form f : IsaTable.standard().forms()) all.addAll(positive(f));
            run(all);
            positive = List.copyOf(all);
        }
        return positive;
    }

    /**
     * Every negative case: operand values that break a rule of their kind (and of every other row of the same
     * method), registers of the wrong kind, and registers that a distinct constraint forbids. Run through the
     * DSL where a method takes the Java types ({@link Case#dslError()} is then the exception's message).
     */
    public static synchronized List<Case> negative() {
        if (negative == null) {
            List<Case> all = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            for (Form f : IsaTable.standard().forms()) {
                for (Case c : negative(f)) {
                    if (!seen.add(c.gnu)) continue;
                    if (acceptsTypes(c) ? groupAccepts(c) : !applicable(c).isEmpty()) continue; // not invalid after all
                    all.add(c);
                }
            }
            List<Case> typed = new ArrayList<>();
            for (Case c : all) if (acceptsTypes(c)) typed.add(c);
            run(typed);
            negative = List.copyOf(all);
        }
        return negative;
    }

    /**
     * True if some row of the case's method takes its values, by the kinds' Enc methods and the rows' distinct
     * constraints: then the case is not invalid (e.g. {@code ldr x0, [x1, #256]} fits the scaled row even though
     * the unscaled row's kind rejects it).
     */
    static boolean groupAccepts(Case c) {
        Method m = method(c.row);
        for (Form r : IsaTable.standard().forms()) {
            if (!r.mnemonic().equals(c.row.mnemonic()) || !method(r).equals(m)) continue;
            if (c.target != TargetKind.NONE) {
                if (r == c.row) continue; // a label's range is checked when it is resolved, not by a kind
            }
            boolean ok = true;
            int k = 0;
            List<Object> perOperand = new ArrayList<>();
            for (Form.Operand o : r.operands()) {
                int np = o.kind().params().size();
                Object[] a = Arrays.copyOfRange(c.args, k, k + np);
                k += np;
                perOperand.add(a[0]);
                if (o.kind().encoder() == null || !ok) continue;
                try {
                    Class<?>[] types = new Class<?>[np];
                    for (int p = 0; p < np; p++) types[p] = javaType(o.kind().params().get(p).type());
                    int v = (int) org.capazos.dsl.Enc.class.getMethod(o.kind().encoder(), types).invoke(null, a);
                    if (v < 0) ok = false;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (!ok) continue;
            for (Form.Distinct d : r.distinct()) {
                Object a = perOperand.get(indexOf(r, d.first())), b = perOperand.get(indexOf(r, d.second()));
                if (!org.capazos.dsl.Enc.distinct(a, b)) ok = false;
            }
            if (ok && c.target == TargetKind.NONE) return true;
        }
        return false;
    }

    /** True if the case's Java arguments have the types of its row's method (false for wrong registers). */
    public static boolean acceptsTypes(Case c) {
        Class<?>[] ps = method(c.row).getParameterTypes();
        for (int n = 0; n < ps.length; n++) {
            Object a = c.args[n];
            if (a == null) continue; // a label slot
            if (!box(ps[n]).isInstance(a)) return false;
        }
        return true;
    }

    /** The Assembler methods named like the case's row that accept its argument types, if any. */
    public static List<Method> applicable(Case c) {
        List<Method> ms = new ArrayList<>();
        for (Method m : Assembler.class.getMethods()) {
            if (!m.getName().equals(c.row.mnemonic()) || m.getParameterCount() != c.args.length) continue;
            boolean ok = true;
            Class<?>[] ps = m.getParameterTypes();
            for (int n = 0; n < ps.length && ok; n++) {
                Object a = c.args[n];
                if (a == null) ok = ps[n] == Label.class || ps[n] == Lo12.class;
                else if (ps[n] == long.class) ok = a instanceof Long || a instanceof Integer;
                else ok = box(ps[n]).isInstance(a);
            }
            if (ok) ms.add(m);
        }
        return ms;
    }

    static Class<?> box(Class<?> c) {
        if (c == int.class) return Integer.class;
        if (c == long.class) return Long.class;
        return c;
    }

    /** The arguments of a case as the text front end would pass them to InstructionDispatch (numbers as Long). */
    public static Object[] dispatchArgs(Case c) {
        Object[] ops = c.args.clone();
        for (int n = 0; n < ops.length; n++) if (ops[n] instanceof Integer x) ops[n] = (long) x;
        return ops;
    }
}
