package org.capazos.isa;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The A64 instruction table ({@code a64.isa}), read once: its operand kinds and its rows in table order.
 * Reading validates every row (32 bits exactly, fields that name operands and subfields of the right width,
 * relocation fields where the relocation kind puts them), so a bad row fails the build with its line.
 */
public final class IsaTable {
    public static final String RESOURCE = "/org/capazos/isa/a64.isa";

    private final Map<String, OperandKind> kinds;
    private final List<Form> forms;

    private IsaTable(Map<String, OperandKind> kinds, List<Form> forms) {
        this.kinds = Collections.unmodifiableMap(kinds);
        this.forms = List.copyOf(forms);
    }

    private static volatile IsaTable standard;

    /** The table shipped in this jar. */
    public static IsaTable standard() {
        IsaTable t = standard;
        if (t == null) {
            try (InputStream in = IsaTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
                standard = t = read(in, "a64.isa");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return t;
    }

    public Map<String, OperandKind> kinds() {
        return kinds;
    }

    /** Every row, in table order. */
    public List<Form> forms() {
        return forms;
    }

    public static IsaTable read(InputStream in, String fileName) throws IOException {
        Map<String, OperandKind> kinds = new LinkedHashMap<>();
        List<Form> forms = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            try {
                if (s.startsWith("kind ")) {
                    OperandKind k = parseKind(s);
                    if (kinds.put(k.name(), k) != null) throw new IllegalArgumentException("kind defined twice");
                } else {
                    forms.add(parseForm(s, kinds, no));
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(fileName + ":" + no + ": " + e.getMessage() + "\n    " + s, e);
            }
        }
        return new IsaTable(kinds, forms);
    }

    // kind <Name> <type>[,<name:type>...] <enc|-> [sub:w,...] ; rule
    private static OperandKind parseKind(String s) {
        String rule = "";
        int semi = s.indexOf(';');
        if (semi >= 0) {
            rule = s.substring(semi + 1).strip();
            s = s.substring(0, semi).strip();
        }
        String[] t = s.split("\\s+");
        if (t.length < 4) throw new IllegalArgumentException("kind needs a name, Java type(s) and an encoder");
        List<OperandKind.Param> params = new ArrayList<>();
        String[] types = t[2].split(",");
        for (String type : types) {
            int colon = type.indexOf(':');
            if (types.length == 1 && colon < 0) params.add(new OperandKind.Param("", type));
            else if (colon < 0) params.add(new OperandKind.Param(defaultParamName(type, params.size()), type));
            else params.add(new OperandKind.Param(type.substring(0, colon), type.substring(colon + 1)));
        }
        String enc = t[3].equals("-") ? null : t[3];
        List<OperandKind.Subfield> subs = new ArrayList<>();
        if (t.length > 4) {
            for (String sf : t[4].split(",")) {
                String[] p = sf.split(":");
                subs.add(new OperandKind.Subfield(p[0], Integer.parseInt(p[1])));
            }
        }
        if (enc != null && subs.isEmpty()) throw new IllegalArgumentException("an encoded kind needs subfields");
        return new OperandKind(t[1], params, enc, subs, rule);
    }

    private static String defaultParamName(String type, int index) {
        return switch (type) {
            case "Shift" -> "shift";
            case "Extend" -> "extend";
            case "PStateField" -> "field";
            case "int", "long" -> index == 0 ? "lsb" : "amount";
            default -> "p" + index;
        };
    }

    private static Form parseForm(String s, Map<String, OperandKind> kinds, int no) {
        RelocKind reloc = null;
        boolean alias = false;
        List<Form.Distinct> distinct = new ArrayList<>();
        String[] parts = s.split(";");
        for (int i = 1; i < parts.length; i++) {
            String a = parts[i].strip();
            if (a.equals("alias")) alias = true;
            else if (a.startsWith("reloc=")) reloc = RelocKind.valueOf(a.substring(6));
            else if (a.startsWith("distinct=")) {
                for (String pair : a.substring(9).split(",")) {
                    String[] ab = pair.strip().split("/");
                    if (ab.length != 2) throw new IllegalArgumentException("distinct needs <op>/<op> pairs: " + a);
                    distinct.add(new Form.Distinct(ab[0].strip(), ab[1].strip()));
                }
            } else throw new IllegalArgumentException("unknown attribute '" + a + "'");
        }
        String[] lr = parts[0].split("=");
        if (lr.length != 2) throw new IllegalArgumentException("a row needs '<mnemonic> <operands> = <pattern>'");
        String head = lr[0].strip();
        int sp = head.indexOf(' ');
        String mnemonic = sp < 0 ? head : head.substring(0, sp);
        List<Form.Operand> ops = new ArrayList<>();
        if (sp >= 0) {
            for (String o : head.substring(sp + 1).split(",")) {
                String[] nk = o.strip().split(":");
                OperandKind k = kinds.get(nk[1].strip());
                if (k == null) throw new IllegalArgumentException("unknown operand kind '" + nk[1] + "'");
                ops.add(new Form.Operand(nk[0].strip(), k));
            }
        }
        int fixed = 0, bit = 32;
        List<Form.Field> fields = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (String tok : lr[1].strip().split("\\s+")) {
            int colon = tok.indexOf(':');
            if (colon < 0) {
                if (!tok.matches("[01]+")) throw new IllegalArgumentException("bad pattern token '" + tok + "'");
                for (char c : tok.toCharArray()) {
                    bit--;
                    if (c == '1') fixed |= 1 << bit;
                }
                continue;
            }
            String ref = tok.substring(0, colon);
            int width = Integer.parseInt(tok.substring(colon + 1));
            bit -= width;
            String opName = ref, sub = null;
            int dot = ref.indexOf('.');
            if (dot >= 0) {
                opName = ref.substring(0, dot);
                sub = ref.substring(dot + 1);
            }
            final String on = opName;
            Form.Operand op = ops.stream().filter(o -> o.name().equals(on)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("pattern names unknown operand '" + on + "'"));
            OperandKind k = op.kind();
            if (k.encoder() != null) {
                if (sub == null) throw new IllegalArgumentException(tok + ": name a subfield of " + k.name());
                if (k.subfield(sub).width() != width)
                    throw new IllegalArgumentException(tok + ": subfield " + sub + " of " + k.name() + " is "
                            + k.subfield(sub).width() + " bits wide");
            } else if (k.isRegister() && width != 5) {
                throw new IllegalArgumentException(tok + ": a register field is 5 bits");
            }
            used.add(opName);
            fields.add(new Form.Field(opName, sub, bit, width));
        }
        if (bit != 0) throw new IllegalArgumentException("pattern has " + (32 - bit) + " bits, not 32");
        for (Form.Operand o : ops)
            if (!used.contains(o.name()) && !o.kind().isTarget())
                throw new IllegalArgumentException("operand '" + o.name() + "' is not in the pattern");
        for (Form.Operand o : ops) {
            if (!o.kind().isTarget()) continue;
            if (reloc == null) throw new IllegalArgumentException("a target operand needs reloc=<kind>");
            for (RelocKind.Field rf : reloc.fields()) {
                boolean found = fields.stream().anyMatch(f -> f.operand().equals(o.name()) && f.lsb() == rf.lsb()
                        && f.width() == rf.width());
                boolean lo12 = o.kind().params().get(0).type().equals("Lo12"); // its field is zero in the pattern
                if (!found && !lo12)
                    throw new IllegalArgumentException("target field of " + reloc + " must be at bit " + rf.lsb()
                            + ", " + rf.width() + " bits wide");
            }
        }
        for (Form.Distinct d : distinct) {
            for (String n : List.of(d.first(), d.second())) {
                Form.Operand o = ops.stream().filter(x -> x.name().equals(n)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("distinct names unknown operand '" + n + "'"));
                boolean mem = o.kind().params().size() == 1 && o.kind().params().get(0).type().equals("Mem");
                if (!o.kind().isRegister() && !(mem && n.equals(d.second())))
                    throw new IllegalArgumentException("distinct: '" + n + "' must be a register operand"
                            + (n.equals(d.second()) ? " or a memory operand" : ""));
            }
        }
        return new Form(mnemonic, List.copyOf(ops), fixed, List.copyOf(fields), reloc, alias, List.copyOf(distinct), no);
    }
}
