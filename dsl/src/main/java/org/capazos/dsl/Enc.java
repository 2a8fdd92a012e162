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

    /**
     * Encodes a replicated, rotated run of ones. The element size is the smallest power of two (2..64) at which
     * the value repeats; within an element the ones must be one contiguous (rotated) run, not all ones or zeros.
     */
    private static int bitmask(long v, int regBits) {
        if (v == 0 || v == -1) return NO;
        int size = 64;
        while (size > 2) {
            int half = size / 2;
            long mask = (1L << half) - 1;
            if ((v & mask) != ((v >>> half) & mask)) break;
            size = half;
        }
        if (regBits == 32 && size == 64) return NO;
        long emask = size == 64 ? -1L : (1L << size) - 1;
        long e = v & emask;
        int ones = Long.bitCount(e);
        // rotate right until the run of ones starts at bit 0
        for (int rot = 0; rot < size; rot++) {
            long r = size == 64 ? Long.rotateRight(e, rot) : ((e >>> rot) | (e << (size - rot))) & emask;
            if (r == (1L << ones) - 1) {
                int immr = (size - rot) % size;
                int imms = (~(size - 1) << 1 | (ones - 1)) & 0x3f;
                int n = size == 64 ? 1 : 0;
                return n << 12 | immr << 6 | imms;
            }
        }
        return NO;
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

    /** movz with one 16-bit chunk: hw:2, imm16:16. */
    public static int movz64(long v) {
        for (int hw = 0; hw < 4; hw++)
            if ((v & ~(0xffffL << (16 * hw))) == 0) return hw << 16 | (int) ((v >>> (16 * hw)) & 0xffff);
        return NO;
    }

    /** movn: the complement has one 16-bit chunk. */
    public static int movn64(long v) {
        return movz64(~v);
    }

    public static int movz32(long v) {
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) return NO;
        long w = v & 0xffffffffL;
        for (int hw = 0; hw < 2; hw++)
            if ((w & ~(0xffffL << (16 * hw))) == 0) return hw << 16 | (int) ((w >>> (16 * hw)) & 0xffff);
        return NO;
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

    public static int sysopDc(SystemOperation o) {
        return sysop(o, SystemOperation.Group.DC);
    }

    public static int sysopIc(SystemOperation o) {
        return sysop(o, SystemOperation.Group.IC);
    }

    public static int sysopTlbi(SystemOperation o) {
        return sysop(o, SystemOperation.Group.TLBI);
    }

    public static int sysopAt(SystemOperation o) {
        return sysop(o, SystemOperation.Group.AT);
    }
}
