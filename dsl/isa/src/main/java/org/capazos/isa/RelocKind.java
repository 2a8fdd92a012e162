package org.capazos.isa;

import java.util.List;

/**
 * The AArch64 ELF relocation kinds that the DSL emits and the linker applies (ELF for the Arm 64-bit
 * Architecture, "Relocation types"). Each kind knows how its value is computed from S + A (the target's
 * address plus addend) and P (the address of the place), which range it must fit, and where in the
 * instruction (or data) it goes. The same code fixes up labels inside a section and applies relocations in
 * the linker, so there is one place for each of these facts.
 */
public enum RelocKind {
    ABS64(257, Calc.ABS, 64),
    ABS32(258, Calc.ABS, 32),
    ABS16(259, Calc.ABS, 16),
    PREL64(260, Calc.PREL, 64),
    PREL32(261, Calc.PREL, 32),
    PREL16(262, Calc.PREL, 16),
    MOVW_UABS_G0(263, Calc.ABS, 0, 0, true, f("imm16", 5, 16)),
    MOVW_UABS_G0_NC(264, Calc.ABS, 0, 0, false, f("imm16", 5, 16)),
    MOVW_UABS_G1(265, Calc.ABS, 16, 0, true, f("imm16", 5, 16)),
    MOVW_UABS_G1_NC(266, Calc.ABS, 16, 0, false, f("imm16", 5, 16)),
    MOVW_UABS_G2(267, Calc.ABS, 32, 0, true, f("imm16", 5, 16)),
    MOVW_UABS_G2_NC(268, Calc.ABS, 32, 0, false, f("imm16", 5, 16)),
    MOVW_UABS_G3(269, Calc.ABS, 48, 0, false, f("imm16", 5, 16)),
    LD_PREL_LO19(273, Calc.PREL, 2, 21, true, f("", 5, 19)),
    ADR_PREL_LO21(274, Calc.PREL, 0, 21, true, f("lo", 29, 2), f("hi", 5, 19)),
    ADR_PREL_PG_HI21(275, Calc.PAGE, 12, 33, true, f("lo", 29, 2), f("hi", 5, 19)),
    ADR_PREL_PG_HI21_NC(276, Calc.PAGE, 12, 33, false, f("lo", 29, 2), f("hi", 5, 19)),
    ADD_ABS_LO12_NC(277, Calc.LO12, 0, 0, false, f("imm12", 10, 12)),
    LDST8_ABS_LO12_NC(278, Calc.LO12, 0, 0, false, f("imm12", 10, 12)),
    TSTBR14(279, Calc.PREL, 2, 16, true, f("", 5, 14)),
    CONDBR19(280, Calc.PREL, 2, 21, true, f("", 5, 19)),
    JUMP26(282, Calc.PREL, 2, 28, true, f("", 0, 26)),
    CALL26(283, Calc.PREL, 2, 28, true, f("", 0, 26)),
    LDST16_ABS_LO12_NC(284, Calc.LO12, 1, 0, false, f("imm12", 10, 12)),
    LDST32_ABS_LO12_NC(285, Calc.LO12, 2, 0, false, f("imm12", 10, 12)),
    LDST64_ABS_LO12_NC(286, Calc.LO12, 3, 0, false, f("imm12", 10, 12)),
    LDST128_ABS_LO12_NC(299, Calc.LO12, 4, 0, false, f("imm12", 10, 12));

    /** How the value X is computed before it is shifted and placed. */
    enum Calc { ABS, PREL, PAGE, LO12 }

    /** A field of the instruction that receives bits of the value: {@code name} as in the table's patterns. */
    public record Field(String name, int lsb, int width) { }

    /** The ELF {@code r_type} number. */
    public final int elfType;
    private final Calc calc;
    /** Data relocations: the width in bits of the place; 0 for instruction relocations. */
    public final int dataBits;
    /** Instruction relocations: the value is shifted right by this many bits before it is placed. */
    private final int shift;
    /** Instruction relocations with a signed range check: the value must fit this many bits (signed). */
    private final int rangeBits;
    private final boolean checked;
    private final List<Field> fields;
    /** The fields as plain numbers, for {@link #patch} (which runs for every resolved branch). */
    private final int lsb0, mask0, lsb1, mask1;
    private final boolean split;

    RelocKind(int elfType, Calc calc, int dataBits) {
        this.elfType = elfType;
        this.calc = calc;
        this.dataBits = dataBits;
        this.shift = 0;
        this.rangeBits = dataBits;
        this.checked = true;
        this.fields = List.of();
        this.lsb0 = this.mask0 = this.lsb1 = this.mask1 = 0;
        this.split = false;
    }

    RelocKind(int elfType, Calc calc, int shift, int rangeBits, boolean checked, Field... fields) {
        this.elfType = elfType;
        this.calc = calc;
        this.dataBits = 0;
        this.shift = shift;
        this.rangeBits = rangeBits;
        this.checked = checked;
        this.fields = List.of(fields);
        this.lsb0 = fields[0].lsb;
        this.mask0 = mask(fields[0].width);
        this.split = fields.length == 2;
        this.lsb1 = split ? fields[1].lsb : 0;
        this.mask1 = split ? mask(fields[1].width) : 0;
    }

    private static Field f(String name, int lsb, int width) {
        return new Field(name, lsb, width);
    }

    /** The instruction fields this kind fills, for the generator's consistency check. */
    public List<Field> fields() {
        return fields;
    }

    /** True if this kind patches an instruction (rather than data). */
    public boolean isInstruction() {
        return dataBits == 0;
    }

    /** The kind with ELF number {@code r_type}, or {@code null}. */
    public static RelocKind ofElfType(int rType) {
        for (RelocKind k : values()) if (k.elfType == rType) return k;
        return null;
    }

    /** The value X of the relocation for a target at {@code sa} (S + A) and a place at {@code p}. */
    public long value(long sa, long p) {
        return switch (calc) {
            case ABS, LO12 -> sa;
            case PREL -> sa - p;
            case PAGE -> (sa & ~0xfffL) - (p & ~0xfffL);
        };
    }

    /**
     * Checks that X fits this kind, returning {@code null} if so, or a sentence saying why not (the caller
     * names the site and the symbol).
     */
    public String check(long x) {
        if (!isInstruction()) {
            if (!checked) return null;
            long min = -(1L << (dataBits - 1));
            long max = dataBits == 64 ? Long.MAX_VALUE : (1L << dataBits) - 1;
            if (dataBits < 64 && (x < min || x > max))
                return String.format("value 0x%x does not fit %d bits", x, dataBits);
            return null;
        }
        if (calc == Calc.LO12) {
            long align = 1L << shift;
            if ((x & (align - 1)) != 0)
                return String.format("address 0x%x is not %d-byte aligned as the scaled load/store needs", x, align);
            return null;
        }
        if (calc == Calc.PREL && shift == 2 && (x & 3) != 0)
            return String.format("offset 0x%x is not a multiple of 4", x);
        if (!checked) return null;
        if (calc == Calc.ABS) { // MOVW_UABS_Gn: unsigned, must fit the bits up to and including this group
            int bits = shift + 16;
            if (bits < 64 && (x >>> bits) != 0)
                return String.format("value 0x%x does not fit %d bits (unsigned)", x, bits);
            return null;
        }
        long lim = 1L << (rangeBits - 1);
        if (x < -lim || x >= lim)
            return String.format("distance %d (0x%x) is out of range: must be within -%d..%d", x, x, lim, lim - 1);
        return null;
    }

    /** Places X in instruction word {@code insn}, assuming {@link #check} passed. */
    public int patch(int insn, long x) {
        long v = calc == Calc.LO12 ? (x & 0xfff) >> shift : x >> shift;
        if (calc == Calc.ABS) v = (x >>> shift) & 0xffff;
        if (split) { // adr/adrp: immlo takes the low two bits, immhi the rest
            insn &= ~(mask0 << lsb0) & ~(mask1 << lsb1);
            return insn | (int) (v & mask0) << lsb0 | (int) ((v >> Integer.bitCount(mask0)) & mask1) << lsb1;
        }
        return insn & ~(mask0 << lsb0) | (int) (v & mask0) << lsb0;
    }

    private static int mask(int width) {
        return width == 32 ? -1 : (1 << width) - 1;
    }

    /**
     * Applies the relocation at byte offset {@code off} of {@code buf} (little-endian), or returns the reason it
     * cannot be applied.
     */
    public String apply(byte[] buf, int off, long sa, long p) {
        long x = value(sa, p);
        String why = check(x);
        if (why != null) return why;
        if (isInstruction()) {
            int insn = readInt(buf, off);
            writeInt(buf, off, patch(insn, x));
        } else {
            for (int i = 0; i < dataBits / 8; i++) buf[off + i] = (byte) (x >>> (8 * i));
        }
        return null;
    }

    private static final java.lang.invoke.VarHandle LE_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static int readInt(byte[] b, int off) {
        return (int) LE_INT.get(b, off);
    }

    static void writeInt(byte[] b, int off, int v) {
        LE_INT.set(b, off, v);
    }
}
