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
        for (Form f : table.forms()) if (f.alias() && !convenience(f)) order.add(f);
        for (Form f : table.forms()) if (!f.alias() && !convenience(f)) order.add(f);
        for (Form f : table.forms()) if (convenience(f)) order.add(f);
    }

    /**
     * Spellings the assembler accepts but LLVM (and GNU) do not print: {@code ldr}/{@code str} with an unscaled
     * offset (printed as {@code ldur}/{@code stur}) and {@code rev64} (printed as {@code rev}).
     */
    private static boolean convenience(Form f) {
        String m = f.mnemonic();
        if (m.equals("rev64")) return true;
        boolean plainLoadStore = (m.startsWith("ldr") || m.startsWith("str")) && !m.startsWith("ldur") && !m.startsWith("stur");
        return plainLoadStore && f.operands().stream().anyMatch(o -> o.kind().name().equals("MemS9"));
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
            scratch.section().reset();
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

        /** The Java operand values of a packed field (Enc.decode is the inverse of each encoder), or null. */
        static Object[] decode(OperandKind k, int p) {
            return Enc.decode(k, p);
        }

        static String format(OperandKind k, Object[] v) {
            if (v.length == 4) return "#" + v[0] + ", c" + v[1] + ", c" + v[2] + ", #" + v[3];
            if (v.length == 3) return "#" + v[0] + ", lsl #" + v[2];
            if (v.length == 2 && v[0] instanceof Register r) return r + ", " + v[1];
            if (v.length == 1 && v[0] instanceof SystemOperation o && k.name().equals("SysOp"))
                return "#" + o.op1 + ", c" + o.crn + ", c" + o.crm + ", #" + o.op2;
            if (v.length == 1 && v[0] instanceof SystemOperation.Prefetch f) return f.gnu();
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
