package org.capazos.dsl.text;

import keystone.Keystone;
import keystone.KeystoneArchitecture;
import keystone.KeystoneEncoded;
import keystone.KeystoneMode;
import org.capazos.dsl.Assembler;
import org.capazos.dsl.BarrierOption;
import org.capazos.dsl.CallSite;
import org.capazos.dsl.Condition;
import org.capazos.dsl.EncodingException;
import org.capazos.dsl.Extend;
import org.capazos.dsl.InstructionDispatch;
import org.capazos.dsl.Label;
import org.capazos.dsl.Lo12;
import org.capazos.dsl.Mem;
import org.capazos.dsl.PStateField;
import org.capazos.dsl.Register;
import org.capazos.dsl.Registers;
import org.capazos.dsl.Shift;
import org.capazos.dsl.SystemOperation;
import org.capazos.dsl.SystemRegister;
import org.capazos.dsl.WOrZr;
import org.capazos.dsl.XOrSp;
import org.capazos.dsl.XOrZr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GNU-syntax front end: assembles pasted AArch64 text through the same instruction table as the Java API
 * (operands are parsed into the same Java values and handed to the generated {@link Assembler} methods).
 * Labels ({@code name:}), numeric local labels ({@code 1:} with {@code 1f}/{@code 1b}), {@code //} comments and
 * {@code ;}-separated statements are understood. An instruction outside the table is handed to Keystone,
 * with the labels bound so far visible through its symbol resolver. Errors name the Java call site, the line
 * and the column in the text.
 */
public final class TextAssembler {
    private final Assembler a;
    private final Map<String, Label> labels;
    /** Numeric local labels: the most recent definition of each number, and forward references waiting. */
    private final Map<String, Label> lastLocal = new HashMap<>();
    private final Map<String, Label> nextLocal = new HashMap<>();

    /**
     * @param a      the assembler to emit into
     * @param labels named labels shared with Java code (looked up and added to by name)
     */
    public TextAssembler(Assembler a, Map<String, Label> labels) {
        this.a = a;
        this.labels = labels;
    }

    public TextAssembler(Assembler a) {
        this(a, new HashMap<>());
    }

    private boolean keystoneFallback = true;

    /** Without the Keystone fallback: a form outside the table is an error (for checking the table's coverage). */
    public TextAssembler tableOnly() {
        keystoneFallback = false;
        return this;
    }

    /** Assembles {@code text}; {@code site} names where it came from (a Java call site or a file). */
    public void assemble(String text, String site) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int comment = line.indexOf("//");
            if (comment >= 0) line = line.substring(0, comment);
            int col = 0;
            for (String stmt : line.split(";", -1)) {
                try {
                    statement(stmt);
                } catch (EncodingException | IllegalArgumentException e) {
                    int c = col + 1 + (stmt.length() - stmt.stripLeading().length());
                    throw new EncodingException(site + ": line " + (i + 1) + ", column " + c + ": "
                            + stripSite(e.getMessage()) + "\n    " + lines[i].strip());
                }
                col += stmt.length() + 1;
            }
        }
    }

    /** Assembles {@code text}, naming the Java caller in errors. */
    public void assemble(String text) {
        assemble(text, CallSite.find());
    }

    private static String stripSite(String m) {
        int at = m.lastIndexOf(" (at ");
        return at >= 0 && m.endsWith(")") ? m.substring(0, at) : m;
    }

    private void statement(String s) {
        s = s.strip();
        postIndexPending = false;
        while (true) {
            int colon = s.indexOf(':');
            if (colon <= 0 || !s.substring(0, colon).matches("[A-Za-z_.$][\\w.$]*|\\d+")) break;
            defineLabel(s.substring(0, colon));
            s = s.substring(colon + 1).strip();
        }
        if (s.isEmpty()) return;
        int sp = firstSpace(s);
        String mnemonic = (sp < 0 ? s : s.substring(0, sp)).toLowerCase(Locale.ROOT);
        String rest = sp < 0 ? "" : s.substring(sp + 1).strip();
        List<Object> ops = new ArrayList<>();
        if (mnemonic.startsWith("b.")) {
            ops.add(condition(mnemonic.substring(2)));
            mnemonic = "b";
        }
        for (String o : splitOperands(rest)) operand(mnemonic, o.strip(), ops);
        // "msr pan, x0" writes the PAN register; "msr pan, #1" the PSTATE field of the same name
        if (mnemonic.equals("msr") && ops.size() == 2 && ops.get(0) instanceof PStateField f && ops.get(1) instanceof Register) {
            SystemRegister r = SystemRegister.byName(f.name());
            if (r != null) ops.set(0, r);
        }
        if (tryDispatch(mnemonic, ops)) return;
        if (!keystoneFallback) throw new EncodingException("no form of " + mnemonic + " in the table takes " + ops);
        keystone(s);
    }

    private boolean tryDispatch(String mnemonic, List<Object> ops) {
        if (InstructionDispatch.invoke(a, mnemonic, ops.toArray())) return true;
        // "#imm, lsl #n" of movz/movk/movn: the dispatcher wants just the amount
        int shiftAt = ops.indexOf(Shift.LSL);
        if (shiftAt > 0 && shiftAt == ops.size() - 2 && ops.get(shiftAt - 1) instanceof Long imm) {
            List<Object> noShift = new ArrayList<>(ops);
            noShift.remove(shiftAt);
            if (InstructionDispatch.invoke(a, mnemonic, noShift.toArray())) return true;
            // add/sub "#imm, lsl #12": the dispatcher wants the shifted value
            List<Object> folded = new ArrayList<>(ops.subList(0, shiftAt - 1));
            folded.add(imm << (Long) ops.get(shiftAt + 1));
            return InstructionDispatch.invoke(a, mnemonic, folded.toArray());
        }
        return false;
    }

    private void keystone(String stmt) {
        KeystoneEncoded enc;
        try {
            // An engine that has ever had a symbol resolver rejects some valid forms (stp q6, q7, ...), so the
            // statement goes first to one that never had one, and only then to one that resolves labels.
            enc = plainKeystone.get().assemble(stmt, a.position());
        } catch (RuntimeException plainFailure) {
            Keystone ks = resolvingKeystone.get();
            ks.setSymbolResolver((name, value) -> {
                Label l = labels.get(name);
                if (l == null || !l.isBound() || l.section() != a.section()) return false;
                value.setValue(l.offset());
                return true;
            });
            try {
                enc = ks.assemble(stmt, a.position());
            } catch (RuntimeException e) {
                throw new EncodingException("not in the instruction table, and Keystone says: " + e.getMessage()
                        + " ('" + stmt + "')");
            } finally {
                ks.unsetSymbolResolver();
            }
        }
        byte[] code = enc.getMachineCode();
        for (int i = 0; i + 3 < code.length; i += 4)
            a.word((code[i] & 0xff) | (code[i + 1] & 0xff) << 8 | (code[i + 2] & 0xff) << 16 | (code[i + 3] & 0xff) << 24);
    }

    private static final ThreadLocal<Keystone> plainKeystone =
            ThreadLocal.withInitial(() -> new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian));
    private static final ThreadLocal<Keystone> resolvingKeystone =
            ThreadLocal.withInitial(() -> new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian));

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }

    /** Splits on commas outside brackets. */
    private static List<String> splitOperands(String s) {
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) return out;
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private void defineLabel(String name) {
        if (name.matches("\\d+")) {
            Label l = nextLocal.remove(name);
            if (l == null) l = new Label();
            a.bind(l);
            lastLocal.put(name, l);
            return;
        }
        Label l = labels.computeIfAbsent(name, Label::new);
        a.bind(l);
    }

    private Label labelRef(String name) {
        if (name.matches("\\d+[fb]")) {
            String n = name.substring(0, name.length() - 1);
            if (name.endsWith("b")) {
                Label l = lastLocal.get(n);
                if (l == null) throw new EncodingException("no earlier local label " + n + " for '" + name + "'");
                return l;
            }
            return nextLocal.computeIfAbsent(n, k -> new Label());
        }
        if (!name.matches("[A-Za-z_.$][\\w.$]*")) throw new EncodingException("cannot parse operand '" + name + "'");
        return labels.computeIfAbsent(name, Label::new);
    }

    private static Condition condition(String c) {
        String u = c.toUpperCase(Locale.ROOT);
        if (u.equals("CS")) return Condition.HS;
        if (u.equals("CC")) return Condition.LO;
        try {
            return Condition.valueOf(u);
        } catch (IllegalArgumentException e) {
            throw new EncodingException("unknown condition '" + c + "'");
        }
    }

    static long number(String s) {
        String t = s.strip();
        if (t.startsWith("#")) t = t.substring(1).strip();
        boolean neg = t.startsWith("-");
        if (neg || t.startsWith("+")) t = t.substring(1);
        long v;
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) v = Long.parseUnsignedLong(t.substring(2), 16);
            else if (t.startsWith("0b")) v = Long.parseUnsignedLong(t.substring(2), 2);
            else if (t.length() == 3 && t.charAt(0) == '\'' && t.charAt(2) == '\'') v = t.charAt(1);
            else v = Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new EncodingException("cannot parse number '" + s.strip() + "'");
        }
        return neg ? -v : v;
    }

    private void operand(String mnemonic, String o, List<Object> ops) {
        String lower = o.toLowerCase(Locale.ROOT);
        if (o.startsWith("[")) {
            ops.add(memory(o));
            return;
        }
        if (o.matches("\\d+[fb]")) {
            ops.add(labelRef(o));
            return;
        }
        if (o.startsWith("#") || o.matches("[-+]?\\d.*") || o.matches("'.'")) {
            // "[xN], #imm" post-index: fold into the memory operand before it
            Object prev = ops.isEmpty() ? null : ops.get(ops.size() - 1);
            if (prev instanceof Mem m && m.mode == Mem.Mode.OFFSET && m.offset == 0 && m.index == null
                    && postIndexPending) {
                ops.set(ops.size() - 1, Mem.postIndex((XOrSp) m.base, number(o)));
                postIndexPending = false;
                return;
            }
            ops.add(number(o));
            return;
        }
        String[] words = lower.split("\\s+");
        if (words.length <= 2 && isShift(words[0])) {
            ops.add(Shift.valueOf(words[0].toUpperCase(Locale.ROOT)));
            ops.add(words.length == 2 ? number(words[1]) : 0L);
            return;
        }
        if (words.length <= 2 && isExtend(words[0])) {
            ops.add(Extend.valueOf(words[0].toUpperCase(Locale.ROOT)));
            ops.add(words.length == 2 ? number(words[1]) : 0L);
            return;
        }
        Register r = Registers.byName(lower);
        if (r != null) {
            ops.add(r);
            return;
        }
        if (lower.startsWith(":lo12:")) {
            ops.add(new Lo12(labelRef(o.substring(6).strip()), 0));
            return;
        }
        switch (mnemonic) {
            case "mrs", "msr" -> {
                for (PStateField f : PStateField.values())
                    if (f.name().equalsIgnoreCase(lower) && mnemonic.equals("msr")) {
                        ops.add(f);
                        return;
                    }
                SystemRegister sr = SystemRegister.byName(lower);
                if (sr == null) throw new EncodingException("unknown system register '" + o + "'");
                ops.add(sr);
                return;
            }
            case "sysl" -> {
                if (lower.matches("c\\d+")) {                       // CRn, CRm of the generic form
                    ops.add(Long.parseLong(lower.substring(1)));
                    return;
                }
            }
            case "prfm", "prfum" -> {
                SystemOperation.Prefetch p = SystemOperation.Prefetch.byName(lower);
                if (p != null) {
                    ops.add(p);
                    return;
                }
            }
            case "dmb", "dsb" -> {
                ops.add(BarrierOption.valueOf(o.toUpperCase(Locale.ROOT)));
                return;
            }
            case "dc", "ic", "tlbi", "at", "sys" -> {
                SystemOperation op = SystemOperation.byName(mnemonic, lower);
                if (op != null) {
                    ops.add(op);
                    return;
                }
                if (mnemonic.equals("sys") && lower.matches("c\\d+")) {  // CRn, CRm of the generic form
                    ops.add(Long.parseLong(lower.substring(1)));
                    return;
                }
            }
            case "csel", "csinc", "csinv", "csneg", "cset", "csetm", "cinc", "cinv", "cneg", "ccmp", "ccmn" -> {
                if (lower.length() == 2) {
                    ops.add(condition(lower));
                    return;
                }
            }
            default -> { }
        }
        ops.add(labelRef(o));
    }

    private boolean postIndexPending;

    private static boolean isShift(String w) {
        return w.equals("lsl") || w.equals("lsr") || w.equals("asr") || w.equals("ror");
    }

    private static boolean isExtend(String w) {
        return w.matches("[us]xt[bhwx]");
    }

    private Mem memory(String o) {
        String s = o.strip();
        boolean pre = s.endsWith("!");
        if (pre) s = s.substring(0, s.length() - 1).strip();
        if (!s.endsWith("]")) throw new EncodingException("unterminated memory operand '" + o + "'");
        String inner = s.substring(1, s.length() - 1);
        String[] parts = inner.split(",");
        Register base = Registers.byName(parts[0].strip().toLowerCase(Locale.ROOT));
        if (!(base instanceof XOrSp b)) throw new EncodingException("bad base register in '" + o + "'");
        if (parts.length == 1) {
            postIndexPending = true;
            return Mem.mem(b);
        }
        postIndexPending = false;
        String second = parts[1].strip().toLowerCase(Locale.ROOT);
        Register idx = Registers.byName(second);
        if (idx == null) {
            long off = number(second);
            return pre ? Mem.preIndex(b, off) : Mem.mem(b, off);
        }
        if (parts.length == 2) {
            if (idx instanceof XOrZr x) return Mem.mem(b, x);
            throw new EncodingException("a w index needs uxtw or sxtw in '" + o + "'");
        }
        String[] ext = parts[2].strip().toLowerCase(Locale.ROOT).split("\\s+");
        int amount = ext.length > 1 ? (int) number(ext[1]) : -1;
        if (ext[0].equals("lsl") && idx instanceof XOrZr x) return Mem.mem(b, x, Shift.LSL, amount);
        Extend e = Extend.valueOf(ext[0].toUpperCase(Locale.ROOT));
        if (idx instanceof WOrZr w) return amount < 0 ? Mem.mem(b, w, e) : Mem.mem(b, w, e, amount);
        return amount < 0 ? Mem.mem(b, (XOrZr) idx, e) : Mem.mem(b, (XOrZr) idx, e, amount);
    }
}
