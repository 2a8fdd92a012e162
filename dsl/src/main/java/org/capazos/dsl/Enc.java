package org.capazos.dsl;

/**
 * Operand encoders named by the instruction table's kinds. Each checks a Java value against the rule of its
 * kind and returns the packed subfields (first subfield in the highest bits), or {@link #NO} if the value does
 * not fit; the generated Assembler turns NO into an error naming the rule, or tries the next row.
 * Bit positions are not here: they are in the table's patterns.
 */
public final class Enc {
    /** The value does not fit the kind. */
    public static final int NO = -1;

    private Enc() { }

    // ---- immediates ---------------------------------------------------------------------------------------

    /** add/sub immediate: sh:1, imm12:12. */
    public static int addImm(long v) {
        if (v >= 0 && v <= 0xfff) return (int) v;
        if ((v & 0xfff) == 0 && v > 0 && v <= 0xfff000) return 1 << 12 | (int) (v >>> 12);
        return NO;
    }

    /**
     * add/sub immediate with an explicit shift: {@code #imm, lsl #12} takes imm 0..4095; {@code #imm, lsl #0} is
     * just {@code #imm} (so a multiple of 4096 is shifted, as LLVM does). sh:1, imm12:12.
     */
    public static int addImmShifted(long v, Shift s, int amount) {
        if (s != Shift.LSL) return NO;
        if (amount == 0) return addImm(v);
        return amount == 12 && v >= 0 && v <= 0xfff ? 1 << 12 | (int) v : NO;
    }

    /** Logical immediate of a 64-bit operation: N:1, immr:6, imms:6. */
    public static int bitmask64(long v) {
        return bitmask(v, 64);
    }

    /** Logical immediate of a 32-bit operation (the value as an unsigned or signed 32-bit number). */
    public static int bitmask32(long v) {
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) return NO;
        long w = v & 0xffffffffL;
        return bitmask(w | w << 32, 32);
    }

    /** bic/orn/eon/bics #imm of a 64-bit operation: the complement as a logical immediate. */
    public static int bitmask64Not(long v) {
        return bitmask(~v, 64);
    }

    /** bic/orn/eon/bics #imm of a 32-bit operation (the value as an unsigned or signed 32-bit number). */
    public static int bitmask32Not(long v) {
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) return NO;
        return bitmask32(~v & 0xffffffffL);
    }

    /**
     * Encodes a replicated, rotated run of ones. The element size is the smallest power of two (2..64) at which
     * the value repeats; within an element the ones must be one contiguous (rotated) run, not all ones or zeros.
     * Constant time: the run is found with trailing-zero and population counts, not by trying rotations.
     */
    private static int bitmask(long v, int regBits) {
        if (v == 0 || v == -1) return NO;
        int size = 64;
        while (size > 2) {
            int half = size >>> 1;
            long mask = (1L << half) - 1;
            if ((v & mask) != ((v >>> half) & mask)) break;
            size = half;
        }
        if (regBits == 32 && size == 64) return NO;
        long emask = size == 64 ? -1L : (1L << size) - 1;
        long e = v & emask;
        int rot, ones;
        if (isShiftedMask(e)) { // 0..01..10..0: rotating right by the trailing zeros brings the run to bit 0
            rot = Long.numberOfTrailingZeros(e);
            ones = Long.bitCount(e);
        } else { // 1..10..01..1: the zeros are one run, and the ones start just above them
            long z = ~e & emask;
            if (!isShiftedMask(z)) return NO;
            int zeros = Long.bitCount(z);
            rot = Long.numberOfTrailingZeros(z) + zeros;
            ones = size - zeros;
        }
        int immr = (size - rot) & (size - 1);
        int imms = (~(size - 1) << 1 | (ones - 1)) & 0x3f;
        return (size == 64 ? 1 << 12 : 0) | immr << 6 | imms;
    }

    /** True for a non-empty run of ones, possibly shifted: 0..01..10..0. */
    private static boolean isShiftedMask(long x) {
        if (x == 0) return false;
        long filled = (x - 1) | x;
        return ((filled + 1) & filled) == 0;
    }

    public static int u16(long v) {
        return v >= 0 && v <= 0xffff ? (int) v : NO;
    }

    public static int hw64(int shift) {
        return shift == 0 || shift == 16 || shift == 32 || shift == 48 ? shift >>> 4 : NO;
    }

    public static int hw32(int shift) {
        return shift == 0 || shift == 16 ? shift >>> 4 : NO;
    }

    /** movz with one 16-bit chunk: hw:2, imm16:16 (the chunk of the highest set bit; 0 is chunk 0). */
    public static int movz64(long v) {
        int hw = (63 - Long.numberOfLeadingZeros(v | 1)) >>> 4;
        return (v & ~(0xffffL << (16 * hw))) == 0 ? hw << 16 | (int) ((v >>> (16 * hw)) & 0xffff) : NO;
    }

    /** movn: the complement has one 16-bit chunk. */
    public static int movn64(long v) {
        return movz64(~v);
    }

    public static int movz32(long v) {
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) return NO;
        return movz64(v & 0xffffffffL);
    }

    public static int movn32(long v) {
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) return NO;
        return movz32(~v & 0xffffffffL);
    }

    public static int u7(int v) {
        return v >= 0 && v <= 127 ? v : NO;
    }

    public static int u6(int v) {
        return v >= 0 && v <= 63 ? v : NO;
    }

    public static int u5(int v) {
        return v >= 0 && v <= 31 ? v : NO;
    }

    public static int u4(int v) {
        return v >= 0 && v <= 15 ? v : NO;
    }

    // ---- register pairs (casp) --------------------------------------------------------------------------------

    /** casp's pair: an even register and the next one (x30 pairs with xzr); the even register's code. */
    public static int pairX(XOrZr first, XOrZr second) {
        return pair((Register) first, (Register) second);
    }

    public static int pairW(WOrZr first, WOrZr second) {
        return pair((Register) first, (Register) second);
    }

    private static int pair(Register a, Register b) {
        return (a.code & 1) == 0 && b.code == a.code + 1 ? a.code : NO;
    }

    /** A 64-bit register other than xzr, where number 31 would mean sp (mov's bitmask form is orr Xd, xzr, #imm). */
    public static int notZrX(XOrZr r) {
        int c = ((Register) r).code;
        return c == 31 ? NO : c;
    }

    public static int notZrW(WOrZr r) {
        int c = ((Register) r).code;
        return c == 31 ? NO : c;
    }

    /**
     * False if {@code a} and {@code b} name the same register (a memory operand {@code b} stands for its base).
     * Register number 31 as sp and as the zero register are different registers.
     */
    public static boolean distinct(Object a, Object b) {
        Register ra = (Register) a;
        Register rb = b instanceof Mem m ? m.base : (Register) b;
        if (ra.code != rb.code) return true;
        return ra.code == 31 && (ra instanceof XOrSp || ra instanceof WOrSp) != (rb instanceof XOrSp || rb instanceof WOrSp);
    }

    // ---- bitfield aliases (immr:6, imms:6) -------------------------------------------------------------------

    public static int lsl64(int s) {
        return s >= 0 && s <= 63 ? ((-s) & 63) << 6 | (63 - s) : NO;
    }

    public static int lsl32(int s) {
        return s >= 0 && s <= 31 ? ((-s) & 31) << 6 | (31 - s) : NO;
    }

    public static int bfx64(int lsb, int width) {
        return lsb >= 0 && lsb <= 63 && width >= 1 && width <= 64 - lsb ? lsb << 6 | (lsb + width - 1) : NO;
    }

    public static int bfx32(int lsb, int width) {
        return lsb >= 0 && lsb <= 31 && width >= 1 && width <= 32 - lsb ? lsb << 6 | (lsb + width - 1) : NO;
    }

    public static int bfi64(int lsb, int width) {
        return lsb >= 0 && lsb <= 63 && width >= 1 && width <= 64 - lsb ? ((-lsb) & 63) << 6 | (width - 1) : NO;
    }

    public static int bfi32(int lsb, int width) {
        return lsb >= 0 && lsb <= 31 && width >= 1 && width <= 32 - lsb ? ((-lsb) & 31) << 6 | (width - 1) : NO;
    }

    /** tbz/tbnz bit number: b5:1, b40:5 (which is just the number). */
    public static int tbit64(int bit) {
        return bit >= 0 && bit <= 63 ? bit : NO;
    }

    public static int tbit32(int bit) {
        return bit >= 0 && bit <= 31 ? bit : NO;
    }

    // ---- shifts, extends, conditions ------------------------------------------------------------------------

    public static int shiftArith64(Shift s, int amount) {
        return s != Shift.ROR && amount >= 0 && amount <= 63 ? s.code() << 6 | amount : NO;
    }

    public static int shiftArith32(Shift s, int amount) {
        return s != Shift.ROR && amount >= 0 && amount <= 31 ? s.code() << 6 | amount : NO;
    }

    public static int shiftLogic64(Shift s, int amount) {
        return amount >= 0 && amount <= 63 ? s.code() << 6 | amount : NO;
    }

    public static int shiftLogic32(Shift s, int amount) {
        return amount >= 0 && amount <= 31 ? s.code() << 6 | amount : NO;
    }

    public static int extendW(Extend e, int amount) {
        return e != Extend.UXTX && e != Extend.SXTX && amount >= 0 && amount <= 4 ? e.code() << 3 | amount : NO;
    }

    public static int extendX(Extend e, int amount) {
        return (e == Extend.UXTX || e == Extend.SXTX) && amount >= 0 && amount <= 4 ? e.code() << 3 | amount : NO;
    }

    /** The extend of a 32-bit operation: any of the eight, amount 0..4. */
    public static int extend32(Extend e, int amount) {
        return amount >= 0 && amount <= 4 ? e.code() << 3 | amount : NO;
    }

    /** An extend written without an amount ({@code uxtw}): the amount is 0. */
    public static int extendWz(Extend e) {
        return extendW(e, 0);
    }

    public static int extendXz(Extend e) {
        return extendX(e, 0);
    }

    public static int extend32z(Extend e) {
        return extend32(e, 0);
    }

    /** {@code lsl #n} in the extended-register form of a 64-bit operation (where sp takes part): uxtx. */
    public static int extLslX(Shift s, int amount) {
        return s == Shift.LSL && amount >= 0 && amount <= 4 ? Extend.UXTX.code() << 3 | amount : NO;
    }

    /** {@code lsl #n} in the extended-register form of a 32-bit operation (where wsp takes part): uxtw. */
    public static int extLslW(Shift s, int amount) {
        return s == Shift.LSL && amount >= 0 && amount <= 4 ? Extend.UXTW.code() << 3 | amount : NO;
    }

    public static int cond(Condition c) {
        return c.code();
    }

    /** cset/csetm/cinc...: the encoding holds the inverted condition, so al and nv are not allowed. */
    public static int condInv(Condition c) {
        return c == Condition.AL || c == Condition.NV ? NO : c.invert().code();
    }

    // ---- memory operands ------------------------------------------------------------------------------------

    private static int base(Mem m) {
        return m.base instanceof XOrSp ? m.base.code : NO;
    }

    private static int scaledU12(Mem m, int scale) {
        if (m.mode != Mem.Mode.OFFSET) return NO;
        long off = m.offset;
        if (off < 0 || (off & ((1 << scale) - 1)) != 0 || (off >> scale) > 0xfff) return NO;
        return (int) (off >> scale) << 5 | m.base.code;
    }

    public static int memU0(Mem m) {
        return scaledU12(m, 0);
    }

    public static int memU1(Mem m) {
        return scaledU12(m, 1);
    }

    public static int memU2(Mem m) {
        return scaledU12(m, 2);
    }

    public static int memU3(Mem m) {
        return scaledU12(m, 3);
    }

    private static int s9(Mem m, Mem.Mode mode) {
        if (m.mode != mode || m.offset < -256 || m.offset > 255) return NO;
        return ((int) m.offset & 0x1ff) << 5 | m.base.code;
    }

    public static int memS9(Mem m) {
        return s9(m, Mem.Mode.OFFSET);
    }

    public static int memPre(Mem m) {
        return s9(m, Mem.Mode.PRE_INDEX);
    }

    public static int memPost(Mem m) {
        return s9(m, Mem.Mode.POST_INDEX);
    }

    /** Register offset: m:5, option:3, S:1, n:5. The amount must be 0 or the access size's log2. */
    private static int reg(Mem m, int scale) {
        if (m.mode != Mem.Mode.REGISTER) return NO;
        int option;
        if (m.index instanceof XOrZr) {
            if (m.extend == null || m.extend == Shift.LSL) option = 3;
            else if (m.extend == Extend.SXTX) option = 7;
            else return NO;
        } else {
            if (m.extend == Extend.UXTW) option = 2;
            else if (m.extend == Extend.SXTW) option = 6;
            else return NO;
        }
        int s;
        if (m.amount < 0) {
            if (m.extend == Shift.LSL) return NO; // "lsl" needs an amount
            s = 0;
        } else if (m.amount == scale) {
            s = 1;
        } else if (m.amount == 0 && scale != 0) {
            s = 0;
        } else {
            return NO;
        }
        return m.index.code << 9 | option << 6 | s << 5 | m.base.code;
    }

    public static int memR0(Mem m) {
        return reg(m, 0);
    }

    public static int memR1(Mem m) {
        return reg(m, 1);
    }

    public static int memR2(Mem m) {
        return reg(m, 2);
    }

    public static int memR3(Mem m) {
        return reg(m, 3);
    }

    private static int pair(Mem m, Mem.Mode mode, int scale) {
        if (m.mode != mode) return NO;
        long off = m.offset;
        if ((off & ((1 << scale) - 1)) != 0) return NO;
        long imm = off >> scale;
        if (imm < -64 || imm > 63) return NO;
        return ((int) imm & 0x7f) << 5 | m.base.code;
    }

    public static int memP2(Mem m) {
        return pair(m, Mem.Mode.OFFSET, 2);
    }

    public static int memP3(Mem m) {
        return pair(m, Mem.Mode.OFFSET, 3);
    }

    public static int memP2Pre(Mem m) {
        return pair(m, Mem.Mode.PRE_INDEX, 2);
    }

    public static int memP3Pre(Mem m) {
        return pair(m, Mem.Mode.PRE_INDEX, 3);
    }

    public static int memP2Post(Mem m) {
        return pair(m, Mem.Mode.POST_INDEX, 2);
    }

    public static int memP3Post(Mem m) {
        return pair(m, Mem.Mode.POST_INDEX, 3);
    }

    public static int mem0(Mem m) {
        return m.mode == Mem.Mode.OFFSET && m.offset == 0 ? m.base.code : NO;
    }

    // ---- system ---------------------------------------------------------------------------------------------

    public static int sysreg(SystemRegister r) {
        return r.encoding();
    }

    /** A register mrs can read (not a write-only one such as oslar_el1 or icc_eoir1_el1). */
    public static int sysregRead(SystemRegister r) {
        return r.readable ? r.encoding() : NO;
    }

    /** A register msr can write (not a read-only one such as midr_el1 or currentel). */
    public static int sysregWrite(SystemRegister r) {
        return r.writable ? r.encoding() : NO;
    }

    /** The generic sys operands {@code #op1, Cn, Cm, #op2}: op1:CRn:CRm:op2. */
    public static int sysRaw(int op1, int crn, int crm, int op2) {
        if (op1 < 0 || op1 > 7 || crn < 0 || crn > 15 || crm < 0 || crm > 15 || op2 < 0 || op2 > 7) return NO;
        return op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    public static int prfop(SystemOperation.Prefetch p) {
        return p.code;
    }

    public static int pstate(PStateField f, int imm) {
        return imm >= 0 && imm <= f.max ? f.op1 << 7 | imm << 3 | f.op2 : NO;
    }

    public static int barrier(BarrierOption o) {
        return o.code;
    }

    public static int sysop(SystemOperation o) {
        return o.encoding();
    }

    private static int sysop(SystemOperation o, SystemOperation.Group g) {
        return o.group == g ? o.encoding() : NO;
    }

    private static int sysop(SystemOperation o, SystemOperation.Group g, boolean register) {
        return o.group == g && o.takesRegister == register ? o.encoding() : NO;
    }

    public static int sysopDc(SystemOperation o) {
        return sysop(o, SystemOperation.Group.DC);
    }

    public static int sysopIcReg(SystemOperation o) {
        return sysop(o, SystemOperation.Group.IC, true);
    }

    public static int sysopIcNoReg(SystemOperation o) {
        return sysop(o, SystemOperation.Group.IC, false);
    }

    public static int sysopTlbiReg(SystemOperation o) {
        return sysop(o, SystemOperation.Group.TLBI, true);
    }

    public static int sysopTlbiNoReg(SystemOperation o) {
        return sysop(o, SystemOperation.Group.TLBI, false);
    }

    public static int sysopAt(SystemOperation o) {
        return sysop(o, SystemOperation.Group.AT);
    }

    // ---- decoding: the inverse of each encoder, for disassemblers --------------------------------------------

    /**
     * The Java operand values that encode to {@code packed} for kind {@code k} (a register kind's packed value is
     * the register number), or null if no value does (a reserved bitmask, an unnamed barrier option, a register
     * number 31 where the kind forbids it, ...). Re-encoding the values through the instruction's method gives
     * the same fields back, except that where several values share an encoding (an extend written with or without
     * {@code #0}) one of them is chosen. Branch targets are not decoded here.
     */
    public static Object[] decode(org.capazos.isa.OperandKind k, int packed) {
        int p = packed;
        switch (k.name()) {
            case "Xr": return new Object[] {p == 31 ? Registers.xzr : Registers.x(p)};
            case "Xs": return new Object[] {p == 31 ? Registers.sp : Registers.x(p)};
            case "Wr": return new Object[] {p == 31 ? Registers.wzr : Registers.w(p)};
            case "Ws": return new Object[] {p == 31 ? Registers.wsp : Registers.w(p)};
            case "X": return p == 31 ? null : new Object[] {Registers.x(p)};
            case "W": return p == 31 ? null : new Object[] {Registers.w(p)};
            case "Sp": return p == 31 ? new Object[] {Registers.sp} : null;
            case "Wsp": return p == 31 ? new Object[] {Registers.wsp} : null;
            default: break;
        }
        String enc = k.encoder();
        if (enc == null) return null;
        switch (enc) {
            case "notZrX": return p == 31 ? null : new Object[] {Registers.x(p)};
            case "notZrW": return p == 31 ? null : new Object[] {Registers.w(p)};
            case "pairX": return (p & 1) != 0 ? null
                    : new Object[] {Registers.x(p), p == 30 ? Registers.xzr : Registers.x(p + 1)};
            case "pairW": return (p & 1) != 0 ? null
                    : new Object[] {Registers.w(p), p == 30 ? Registers.wzr : Registers.w(p + 1)};
            case "addImm": return new Object[] {(long) (p & 0xfff) << (12 * (p >>> 12))};
            case "addImmShifted": return new Object[] {(long) (p & 0xfff), Shift.LSL, 12 * (p >>> 12)};
            case "bitmask64": return one(decodeBitmask(p, 64));
            case "bitmask32": return one(decodeBitmask(p, 32));
            case "bitmask64Not": {
                Long v = decodeBitmask(p, 64);
                return v == null ? null : new Object[] {~v};
            }
            case "bitmask32Not": {
                Long v = decodeBitmask(p, 32);
                return v == null ? null : new Object[] {~v & 0xffffffffL};
            }
            case "u16": return new Object[] {(long) p};
            case "hw64": return new Object[] {16 * p};
            case "hw32": return p > 1 ? null : new Object[] {16 * p};
            case "movz64": return new Object[] {(long) (p & 0xffff) << (16 * (p >>> 16))};
            case "movn64": return new Object[] {~((long) (p & 0xffff) << (16 * (p >>> 16)))};
            case "movz32": return p >>> 16 > 1 ? null : new Object[] {(long) (p & 0xffff) << (16 * (p >>> 16))};
            case "movn32": return p >>> 16 > 1 ? null
                    : new Object[] {~((long) (p & 0xffff) << (16 * (p >>> 16))) & 0xffffffffL};
            case "u7": case "u6": case "u5": case "u4": case "tbit64": return new Object[] {p};
            case "tbit32": return p > 31 ? null : new Object[] {p};
            case "lsl64": case "lsl32": {
                int bits = enc.equals("lsl64") ? 64 : 32, r = p >>> 6, sh = bits - 1 - (p & 63);
                return sh < 0 || r != ((-sh) & (bits - 1)) ? null : new Object[] {sh};
            }
            case "bfx64": case "bfx32": {
                int r = p >>> 6, sf = p & 63;
                return sf < r ? null : new Object[] {r, sf - r + 1};
            }
            case "bfi64": case "bfi32": {
                int bits = enc.equals("bfi64") ? 64 : 32, r = p >>> 6, sf = p & 63;
                return sf >= r && r != 0 ? null : new Object[] {(-r) & (bits - 1), sf + 1};
            }
            case "shiftArith64": case "shiftArith32": case "shiftLogic64": case "shiftLogic32":
                return new Object[] {Shift.values()[p >>> 6], p & 63};
            case "extendW": case "extendX": case "extend32": return new Object[] {Extend.values()[p >>> 3], p & 7};
            case "extendWz": case "extendXz": case "extend32z":
                return (p & 7) != 0 ? null : new Object[] {Extend.values()[p >>> 3]};
            case "extLslX": return p >>> 3 != Extend.UXTX.code() ? null : new Object[] {Shift.LSL, p & 7};
            case "extLslW": return p >>> 3 != Extend.UXTW.code() ? null : new Object[] {Shift.LSL, p & 7};
            case "cond": return new Object[] {Condition.values()[p]};
            case "condInv": return new Object[] {Condition.values()[p].invert()};
            case "prfop":
                for (SystemOperation.Prefetch f : SystemOperation.Prefetch.values())
                    if (f.code == p) return new Object[] {f};
                return null;
            case "sysreg": case "sysregRead": case "sysregWrite": {
                boolean read = enc.equals("sysregRead"), write = enc.equals("sysregWrite");
                for (SystemRegister r : SystemRegister.named())
                    if (r.encoding() == p && (!read || r.readable) && (!write || r.writable)) return new Object[] {r};
                return new Object[] {SystemRegister.of((p >>> 14) + 2, (p >>> 11) & 7, (p >>> 7) & 15, (p >>> 3) & 15,
                        p & 7)};
            }
            case "sysRaw": return new Object[] {p >>> 11, (p >>> 7) & 15, (p >>> 3) & 15, p & 7};
            case "pstate":
                for (PStateField f : PStateField.values())
                    if (f.op1 == p >>> 7 && f.op2 == (p & 7) && ((p >>> 3) & 15) <= f.max)
                        return new Object[] {f, (p >>> 3) & 15};
                return null;
            case "barrier":
                for (BarrierOption o : BarrierOption.values()) if (o.code == p) return new Object[] {o};
                return null;
            case "sysop": case "sysopDc": case "sysopIcReg": case "sysopIcNoReg": case "sysopTlbiReg":
            case "sysopTlbiNoReg": case "sysopAt":
                for (SystemOperation o : SystemOperation.all()) {
                    if (o.encoding() != p) continue;
                    boolean ok = switch (enc) {
                        case "sysopDc" -> o.group == SystemOperation.Group.DC;
                        case "sysopIcReg" -> o.group == SystemOperation.Group.IC && o.takesRegister;
                        case "sysopIcNoReg" -> o.group == SystemOperation.Group.IC && !o.takesRegister;
                        case "sysopTlbiReg" -> o.group == SystemOperation.Group.TLBI && o.takesRegister;
                        case "sysopTlbiNoReg" -> o.group == SystemOperation.Group.TLBI && !o.takesRegister;
                        case "sysopAt" -> o.group == SystemOperation.Group.AT;
                        default -> true;
                    };
                    if (ok) return new Object[] {o};
                }
                return null;
            default:
                return enc.startsWith("mem") ? decodeMem(enc, p) : null;
        }
    }

    private static Object[] one(Object v) {
        return v == null ? null : new Object[] {v};
    }

    /** DecodeBitMasks: the value of a logical immediate (N:immr:imms), or null if the fields are reserved. */
    private static Long decodeBitmask(int p, int regBits) {
        int n = p >>> 12, immr = (p >>> 6) & 63, imms = p & 63;
        int combined = n << 6 | (~imms & 63);
        if (combined == 0 || (regBits == 32 && n == 1)) return null;
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1) return null;
        int size = 1 << len, ones = (imms & (size - 1)) + 1, r = immr & (size - 1);
        if (ones == size) return null;
        long emask = size == 64 ? -1L : (1L << size) - 1;
        long e = (1L << ones) - 1;
        e = r == 0 ? e : ((e >>> r) | (e << (size - r))) & emask;
        long v = 0;
        for (int b = 0; b < 64; b += size) v |= e << b;
        return regBits == 32 ? v & 0xffffffffL : v;
    }

    private static Object[] decodeMem(String enc, int p) {
        XOrSp base = (p & 31) == 31 ? Registers.sp : Registers.x(p & 31);
        int rest = p >>> 5;
        if (enc.equals("mem0")) return new Object[] {Mem.mem(base)};
        int scale = Character.isDigit(enc.charAt(enc.length() - 1)) ? enc.charAt(enc.length() - 1) - '0'
                : enc.length() > 4 && Character.isDigit(enc.charAt(4)) ? enc.charAt(4) - '0' : 0;
        if (enc.startsWith("memU")) return new Object[] {Mem.mem(base, (long) rest << scale)};
        if (enc.equals("memS9")) return new Object[] {Mem.mem(base, (long) (rest << 23 >> 23))};
        if (enc.equals("memPre")) return new Object[] {Mem.preIndex(base, (long) (rest << 23 >> 23))};
        if (enc.equals("memPost")) return new Object[] {Mem.postIndex(base, (long) (rest << 23 >> 23))};
        if (enc.startsWith("memP")) {
            long off = (long) (rest << 25 >> 25) << scale;
            if (enc.endsWith("Pre")) return new Object[] {Mem.preIndex(base, off)};
            if (enc.endsWith("Post")) return new Object[] {Mem.postIndex(base, off)};
            return new Object[] {Mem.mem(base, off)};
        }
        if (enc.startsWith("memR")) {
            int s = rest & 1, opt = (rest >>> 1) & 7, m = rest >>> 4;
            XOrZr x = m == 31 ? Registers.xzr : Registers.x(m);
            WOrZr w = m == 31 ? Registers.wzr : Registers.w(m);
            // S=1 means "shifted by the access size"; S=0 with an amount written means #0 (only for scale > 0)
            return switch (opt) {
                case 3 -> new Object[] {s == 0 ? Mem.mem(base, x) : Mem.mem(base, x, Shift.LSL, scale)};
                case 7 -> new Object[] {s == 0 ? Mem.mem(base, x, Extend.SXTX) : Mem.mem(base, x, Extend.SXTX, scale)};
                case 2, 6 -> new Object[] {s == 0 ? Mem.mem(base, w, Extend.values()[opt])
                        : Mem.mem(base, w, Extend.values()[opt], scale)};
                default -> null;
            };
        }
        return null;
    }
}
