package org.capazos.dsl;

import org.capazos.isa.Form;
import org.capazos.isa.IsaTable;
import org.capazos.isa.OperandKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * Renders instruction words as GNU syntax from the same instruction table, for listings. A row matches when
 * its fixed bits match; its fields are decoded into the Java operand values and the instruction is encoded
 * again through the generated API, and only a row that gives back the same word is used. Aliases are tried
 * first (as LLVM prints {@code mov} rather than {@code orr}). A word no row explains is {@code .inst 0x…}.
 */
public final class Disassembler {
    private final List<Form> order = new ArrayList<>();
    private final Assembler scratch = new Assembler(new ModuleBuilder("disassembler").section(".text", Section.Kind.CODE));

    public Disassembler() {
        this(IsaTable.standard());
    }

    public Disassembler(IsaTable table) {
        for (Form f : table.forms()) if (f.alias()) order.add(f);
        for (Form f : table.forms()) if (!f.alias()) order.add(f);
    }

    /** The instruction at {@code pc} as text; {@code symbols} names addresses (or returns null). */
    public String disassemble(int word, long pc, LongFunction<String> symbols) {
        for (Form f : order) {
            if ((word & f.fixedMask()) != f.fixed()) continue;
            String text = tryForm(f, word, pc, symbols);
            if (text != null) return text;
        }
        return String.format(".inst 0x%08x", word);
    }

    public String disassemble(int word, long pc) {
        return disassemble(word, pc, a -> null);
    }

    private String tryForm(Form f, int word, long pc, LongFunction<String> symbols) {
        List<Object> args = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        Condition branchCond = null;
        boolean hasTarget = false;
        for (Form.Operand o : f.operands()) {
            OperandKind k = o.kind();
            long packed = 0;
            for (Form.Field fd : k.isTarget() ? List.<Form.Field>of() : f.fields()) {
                if (!fd.operand().equals(o.name())) continue;
                long v = (word >>> fd.lsb()) & ((1L << fd.width()) - 1);
                packed |= fd.subfield() == null ? v : v << k.shiftOf(fd.subfield());
            }
            if (k.isTarget()) {
                hasTarget = true;
                if (k.params().get(0).type().equals("Lo12")) return null; // the add form prints as #imm
                long target = target(f, word, pc);
                String sym = symbols.apply(target);
                shown.add(String.format("0x%x", target) + (sym != null ? " <" + sym + ">" : ""));
                continue;
            }
            Object[] values = Operands.decode(k, (int) packed);
            if (values == null) return null;
            if (values[0] instanceof SystemOperation op && op.takesRegister != (f.operands().size() > 1)) return null;
            for (Object v : values) args.add(v instanceof Integer i ? (Object) Long.valueOf(i) : v);
            if (f.mnemonic().equals("b") && values[0] instanceof Condition c) {
                branchCond = c;
                continue;
            }
            shown.add(Operands.format(k, values));
        }
        if (!hasTarget) {
            int before = scratch.position();
            try {
                if (!InstructionDispatch.invoke(scratch, f.mnemonic(), args.toArray())) return null;
            } catch (EncodingException e) {
                return null;
            }
            int again = scratch.section().getInt(before);
            scratch.section().size = 0;
            scratch.section().instructionCount = 0;
            if (again != word) return null;
        }
        String m = branchCond != null ? "b." + branchCond.gnu() : f.mnemonic();
        return shown.isEmpty() ? m : m + " " + String.join(", ", shown);
    }

    /** The address a PC-relative field points to (the inverse of the relocation's placement). */
    private static long target(Form f, int word, long pc) {
        return switch (f.reloc()) {
            case JUMP26, CALL26 -> pc + ((long) (word << 6) >> 6) * 4;
            case CONDBR19, LD_PREL_LO19 -> pc + ((long) (word << 8) >> 13) * 4;
            case TSTBR14 -> pc + ((long) (word << 13) >> 18) * 4;
            case ADR_PREL_LO21 -> pc + adrImm(word);
            case ADR_PREL_PG_HI21, ADR_PREL_PG_HI21_NC -> (pc & ~0xfffL) + (adrImm(word) << 12);
            default -> pc;
        };
    }

    private static long adrImm(int word) {
        long imm = ((word >>> 5) & 0x7ffff) << 2 | ((word >>> 29) & 3);
        return imm << 43 >> 43;
    }

    /** Decoding packed operand fields into Java values, and printing them in GNU syntax. */
    static final class Operands {
        private Operands() { }

        static Object[] decode(OperandKind k, int p) {
            switch (k.name()) {
                case "Xr": return new Object[] {p == 31 ? Registers.xzr : Registers.x(p)};
                case "Xs": return new Object[] {p == 31 ? Registers.sp : Registers.x(p)};
                case "Wr": return new Object[] {p == 31 ? Registers.wzr : Registers.w(p)};
                case "Ws": return new Object[] {p == 31 ? Registers.wsp : Registers.w(p)};
                case "X": return p == 31 ? null : new Object[] {Registers.x(p)};
                case "Sp": return p == 31 ? new Object[] {Registers.sp} : null;
                default: break;
            }
            String enc = k.encoder();
            if (enc == null) return null;
            return switch (enc) {
                case "addImm" -> new Object[] {(long) (p & 0xfff) << ((p >>> 12) * 12)};
                case "bitmask64" -> bitmask(p, 64);
                case "bitmask32" -> bitmask(p, 32);
                case "u16" -> new Object[] {(long) p};
                case "hw64", "hw32" -> new Object[] {p * 16};
                case "movz64" -> new Object[] {(long) (p & 0xffff) << (16 * (p >>> 16))};
                case "movn64" -> new Object[] {~((long) (p & 0xffff) << (16 * (p >>> 16)))};
                case "movz32" -> new Object[] {(long) (p & 0xffff) << (16 * (p >>> 16))};
                case "movn32" -> new Object[] {~((long) (p & 0xffff) << (16 * (p >>> 16))) & 0xffffffffL};
                case "u7", "u6", "u5", "u4", "tbit64", "tbit32" -> new Object[] {p};
                case "lsl64" -> new Object[] {63 - (p & 63)};
                case "lsl32" -> new Object[] {31 - (p & 63)};
                case "bfx64", "bfx32" -> new Object[] {p >>> 6, (p & 63) - (p >>> 6) + 1};
                case "bfi64" -> new Object[] {(-(p >>> 6)) & 63, (p & 63) + 1};
                case "bfi32" -> new Object[] {(-(p >>> 6)) & 31, (p & 63) + 1};
                case "shiftArith64", "shiftArith32", "shiftLogic64", "shiftLogic32" ->
                        new Object[] {Shift.values()[p >>> 6], p & 63};
                case "extendW", "extendX" -> new Object[] {Extend.values()[p >>> 3], p & 7};
                case "cond" -> new Object[] {Condition.values()[p]};
                case "condInv" -> new Object[] {Condition.values()[p].invert()};
                case "sysreg" -> new Object[] {sysreg(p)};
                case "barrier" -> barrier(p);
                case "pstate" -> pstate(p);
                case "sysop", "sysopDc", "sysopIc", "sysopTlbi", "sysopAt" -> sysop(p);
                default -> enc.startsWith("mem") ? mem(enc, p) : null;
            };
        }

        private static Object[] bitmask(int p, int regBits) {
            int n = p >>> 12, immr = (p >>> 6) & 63, imms = p & 63;
            int len = 31 - Integer.numberOfLeadingZeros((n << 6) | (~imms & 63));
            if (len < 1) return null;
            int size = 1 << len;
            int ones = (imms & (size - 1)) + 1;
            if (ones == size) return null;
            long e = ones == 64 ? -1L : (1L << ones) - 1;
            int r = immr & (size - 1);
            long emask = size == 64 ? -1L : (1L << size) - 1;
            e = size == 64 ? Long.rotateRight(e, r) : ((e >>> r) | (e << (size - r))) & emask;
            long v = e;
            for (int s = size; s < 64; s *= 2) v |= v << s;
            return new Object[] {regBits == 32 ? v & 0xffffffffL : v};
        }

        private static SystemRegister sysreg(int p) {
            for (SystemRegister r : SystemRegister.named()) if (r.encoding() == p) return r;
            return SystemRegister.of((p >>> 14) + 2, (p >>> 11) & 7, (p >>> 7) & 15, (p >>> 3) & 15, p & 7);
        }

        private static Object[] barrier(int p) {
            for (BarrierOption o : BarrierOption.values()) if (o.code == p) return new Object[] {o};
            return null;
        }

        private static Object[] pstate(int p) {
            for (PStateField f : PStateField.values())
                if (f.op1 == (p >>> 7) && f.op2 == (p & 7)) return new Object[] {f, (p >>> 3) & 15};
            return null;
        }

        private static Object[] sysop(int p) {
            for (SystemOperation o : SystemOperation.all()) if (o.encoding() == p) return new Object[] {o};
            return null;
        }

        private static Object[] mem(String enc, int p) {
            XOrSp base = p % 32 == 31 ? Registers.sp : Registers.x(p % 32);
            int rest = p >>> 5;
            int scale = enc.length() > 4 && Character.isDigit(enc.charAt(4)) ? enc.charAt(4) - '0' : 0;
            if (enc.equals("mem0")) return new Object[] {Mem.mem(base)};
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
                int amount = s == 1 ? scale : -1;
                return switch (opt) {
                    case 3 -> new Object[] {s == 0 ? Mem.mem(base, m == 31 ? Registers.xzr : Registers.x(m))
                            : Mem.mem(base, m == 31 ? Registers.xzr : Registers.x(m), Shift.LSL, amount)};
                    case 7 -> new Object[] {Mem.mem(base, m == 31 ? Registers.xzr : Registers.x(m), Extend.SXTX, Math.max(amount, 0))};
                    case 2, 6 -> new Object[] {amount < 0
                            ? Mem.mem(base, m == 31 ? Registers.wzr : Registers.w(m), Extend.values()[opt])
                            : Mem.mem(base, m == 31 ? Registers.wzr : Registers.w(m), Extend.values()[opt], amount)};
                    default -> null;
                };
            }
            return null;
        }

        static String format(OperandKind k, Object[] v) {
            if (v.length == 2 && v[0] instanceof Shift s) return s.name().toLowerCase(Locale.ROOT) + " #" + v[1];
            if (v.length == 2 && v[0] instanceof Extend e) return e.name().toLowerCase(Locale.ROOT) + " #" + v[1];
            if (v.length == 2 && v[0] instanceof PStateField f) return f.name().toLowerCase(Locale.ROOT) + ", #" + v[1];
            if (v.length == 2) return "#" + v[0] + ", #" + v[1];
            Object x = v[0];
            if (x instanceof Long l) return l >= 0 && l < 10 ? "#" + l : String.format("#0x%x", l);
            if (x instanceof Integer i) return k.name().startsWith("Hw") ? "lsl #" + i : "#" + i;
            if (x instanceof Condition c) return c.gnu();
            if (x instanceof BarrierOption b) return b.name().toLowerCase(Locale.ROOT);
            if (x instanceof SystemOperation o) return o.name;
            return x.toString();
        }
    }
}
