package org.capazos.isa;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterSpec;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;

import javax.lang.model.element.Modifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Generates, from the instruction table, the raw {@code Assembler} (one method per mnemonic and Java
 * signature, each emitting exactly one instruction) and {@code InstructionDispatch}, which lets the text
 * front end call those same methods. Run at build time by the dsl module: {@code AssemblerGenerator <outDir>}.
 */
public final class AssemblerGenerator {
    static final String PKG = "org.capazos.dsl";
    private static final ClassName ASSEMBLER = ClassName.get(PKG, "Assembler");
    private static final ClassName CORE = ClassName.get(PKG, "AssemblerCore");
    private static final ClassName ENC = ClassName.get(PKG, "Enc");
    private static final ClassName RELOC = ClassName.get(RelocKind.class);

    private final IsaTable table;

    public AssemblerGenerator(IsaTable table) {
        this.table = table;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        AssemblerGenerator g = new AssemblerGenerator(IsaTable.standard());
        g.assembler().writeTo(out);
        g.dispatch().writeTo(out);
    }

    /** A method of the API: rows that share a mnemonic and a Java signature, tried in table order. */
    record Group(String mnemonic, List<TypeName> signature, List<Form> rows) { }

    List<Group> groups() {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Form f : table.forms()) {
            List<TypeName> sig = signature(f);
            String key = f.mnemonic() + sig;
            groups.computeIfAbsent(key, k -> new Group(f.mnemonic(), sig, new ArrayList<>())).rows().add(f);
        }
        return List.copyOf(groups.values());
    }

    static List<TypeName> signature(Form f) {
        List<TypeName> sig = new ArrayList<>();
        for (Form.Operand o : f.operands())
            for (OperandKind.Param p : o.kind().params()) sig.add(type(p.type()));
        return sig;
    }

    static TypeName type(String t) {
        return switch (t) {
            case "int" -> TypeName.INT;
            case "long" -> TypeName.LONG;
            default -> {
                String[] names = t.split("\\.");
                yield ClassName.get(PKG, names[0], java.util.Arrays.copyOfRange(names, 1, names.length));
            }
        };
    }

    static String javaName(String mnemonic) {
        return switch (mnemonic) { // Java keywords and the like would be renamed here; no A64 mnemonic is one
            default -> mnemonic;
        };
    }

    /**
     * The Java parameter names of a row, per operand (one per kind parameter): the operand's name for a
     * single-parameter kind, the kind's parameter names otherwise, prefixed with the operand's name when two
     * operands of the row would otherwise share a name (casp's two register pairs).
     */
    static List<List<String>> paramNames(Form f) {
        List<List<String>> names = new ArrayList<>();
        for (Form.Operand o : f.operands()) {
            List<OperandKind.Param> ps = o.kind().params();
            if (ps.size() == 1) names.add(List.of(o.name()));
            else names.add(ps.stream().map(OperandKind.Param::name).collect(Collectors.toList()));
        }
        List<String> flat = names.stream().flatMap(List::stream).collect(Collectors.toList());
        if (flat.stream().distinct().count() == flat.size()) return names;
        List<List<String>> prefixed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String on = f.operands().get(i).name();
            List<String> ns = names.get(i);
            prefixed.add(ns.size() == 1 ? ns : ns.stream()
                    .map(n -> on + Character.toUpperCase(n.charAt(0)) + n.substring(1)).collect(Collectors.toList()));
        }
        return prefixed;
    }

    /** A row's operands named with the group method's parameter names (rows of a group are matched by position). */
    static List<List<String>> namesIn(Form f, List<String> methodParams) {
        List<List<String>> own = paramNames(f);
        List<List<String>> out = new ArrayList<>();
        int i = 0;
        for (List<String> ns : own) {
            List<String> mapped = new ArrayList<>();
            for (int k = 0; k < ns.size(); k++) mapped.add(methodParams.get(i++));
            out.add(mapped);
        }
        return out;
    }

    JavaFile assembler() {
        TypeSpec.Builder t = TypeSpec.classBuilder(ASSEMBLER)
                .addModifiers(Modifier.PUBLIC)
                .superclass(CORE)
                .addJavadoc("The raw A64 assembler: each method emits exactly one instruction or throws.\n"
                        + "<p>Generated from {@code a64.isa} by {@code $T}; do not edit.\n", AssemblerGenerator.class)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addParameter(ClassName.get(PKG, "Section"), "section")
                        .addStatement("super(section)").build());
        for (Group g : groups()) t.addMethod(method(g));
        return JavaFile.builder(PKG, t.build()).skipJavaLangImports(true).indent("    ").build();
    }

    private MethodSpec method(Group g) {
        Form first = g.rows().get(0);
        MethodSpec.Builder m = MethodSpec.methodBuilder(javaName(g.mnemonic()))
                .addModifiers(Modifier.PUBLIC).returns(ASSEMBLER);
        List<String> params = paramNames(first).stream().flatMap(List::stream).collect(Collectors.toList());
        for (int i = 0; i < params.size(); i++)
            m.addParameter(ParameterSpec.builder(g.signature().get(i), params.get(i)).build());
        m.addJavadoc(javadoc(g, params));
        for (Form f : g.rows()) m.addCode(rowCode(f, namesIn(f, params), g.rows().size() == 1));
        if (g.rows().size() > 1) {
            // the operand whose kind differs between the rows is the one that did not fit any of them
            int culprit = first.operands().size() - 1;
            boolean sameShape = g.rows().stream().allMatch(r -> r.operands().size() == first.operands().size());
            if (sameShape) {
                for (int i = 0; i < first.operands().size(); i++) {
                    final int k = i;
                    if (g.rows().stream().anyMatch(r -> !r.operands().get(k).kind().equals(first.operands().get(k).kind())))
                        culprit = i;
                }
            }
            List<String> rules = new ArrayList<>();
            for (Form f : g.rows()) {
                Form.Operand o = f.operands().get(Math.min(culprit, f.operands().size() - 1));
                if (!rules.contains(o.kind().rule())) rules.add(o.kind().rule());
            }
            // if the culprit fits a row where another operand does not, that other operand is to blame
            // (mov xzr, #0x5555555555555555: the bitmask fits orr, whose destination cannot be xzr)
            if (sameShape) {
                for (Form f : g.rows()) {
                    Form.Operand c = f.operands().get(culprit);
                    if (c.kind().encoder() == null) continue;
                    List<List<String>> rn = namesIn(f, params);
                    for (int i = 0; i < f.operands().size(); i++) {
                        Form.Operand o = f.operands().get(i);
                        if (i == culprit || o.kind().encoder() == null) continue;
                        m.beginControlFlow("if ($L >= 0 && $L < 0)", "r" + f.line() + "_" + c.name(),
                                        "r" + f.line() + "_" + o.name())
                                .addStatement("throw invalid($S, $S, $L, $S)", g.mnemonic(), o.name(),
                                        valueExpr(rn.get(i)), o.kind().rule())
                                .endControlFlow();
                    }
                }
            }
            List<String> names = namesIn(first, params).get(culprit);
            m.addStatement("throw invalid($S, $S, $L, $S)", g.mnemonic(), first.operands().get(culprit).name(),
                    valueExpr(names), String.join("; or ", rules));
        }
        return m.build();
    }

    private static String valueExpr(List<String> names) {
        return names.size() == 1 ? names.get(0) : "java.util.List.of(" + String.join(", ", names) + ")";
    }

    /** The code for one row: validate and pack its encoded operands; if all fit, emit and return. */
    private CodeBlock rowCode(Form f, List<List<String>> names, boolean only) {
        CodeBlock.Builder c = CodeBlock.builder();
        List<String> conds = new ArrayList<>();
        String prefix = "r" + f.line() + "_";
        Map<String, String> value = new LinkedHashMap<>(); // operand name -> Java expression of its value
        for (int i = 0; i < f.operands().size(); i++) {
            Form.Operand o = f.operands().get(i);
            List<String> ns = names.get(i);
            value.put(o.name(), valueExpr(ns));
            OperandKind k = o.kind();
            if (k.encoder() == null) continue;
            String var = prefix + o.name();
            c.addStatement("int $L = $T.$L($L)", var, ENC, k.encoder(), String.join(", ", ns));
            if (only) c.beginControlFlow("if ($L < 0)", var)
                    .addStatement("throw invalid($S, $S, $L, $S)", f.mnemonic(), o.name(), valueExpr(ns), k.rule())
                    .endControlFlow();
            else conds.add(var + " >= 0");
        }
        CodeBlock.Builder body = CodeBlock.builder();
        for (Form.Distinct d : f.distinct()) {
            Form.Operand second = f.operand(d.second());
            boolean mem = second.kind().params().get(0).type().equals("Mem");
            String rule = "a register other than " + (mem ? "the base register of operand " : "operand ")
                    + d.second() + " (the architecture makes that combination CONSTRAINED UNPREDICTABLE)";
            body.beginControlFlow("if (!$T.distinct($L, $L))", ENC, value.get(d.first()), value.get(d.second()))
                    .addStatement("throw invalid($S, $S, $L, $S)", f.mnemonic(), d.first(), value.get(d.first()), rule)
                    .endControlFlow();
        }
        CodeBlock word = word(f, prefix, value);
        Form.Operand target = f.operands().stream().filter(o -> o.kind().isTarget()).findFirst().orElse(null);
        CodeBlock emit;
        if (target == null) emit = CodeBlock.of("emit($L)", word);
        else if (target.kind().params().get(0).type().equals("Lo12"))
            emit = CodeBlock.of("emitTarget($L, $L.label(), $L.addend(), $T.$L)", word, value.get(target.name()),
                    value.get(target.name()), RELOC, f.reloc().name());
        else emit = CodeBlock.of("emitTarget($L, $L, 0, $T.$L)", word, value.get(target.name()), RELOC,
                    f.reloc().name());
        body.addStatement(emit).addStatement("return this");
        if (conds.isEmpty()) {
            c.add(body.build());
        } else {
            c.beginControlFlow("if ($L)", String.join(" && ", conds)).add(body.build()).endControlFlow();
        }
        return c.build();
    }

    private static CodeBlock word(Form f, String prefix, Map<String, String> value) {
        List<String> parts = new ArrayList<>();
        parts.add(String.format("0x%08x", f.fixed()));
        for (Form.Field fd : f.fields()) {
            Form.Operand o = f.operand(fd.operand());
            OperandKind k = o.kind();
            if (k.isTarget()) continue; // filled by the fixup or the relocation
            if (k.isRegister()) {
                String r = "reg(" + value.get(o.name()) + ")";
                parts.add(fd.lsb() == 0 ? r : r + " << " + fd.lsb());
            } else {
                String var = prefix + o.name();
                int shift = k.shiftOf(fd.subfield());
                String v = shift == 0 ? var : "(" + var + " >>> " + shift + ")";
                if (k.subfields().size() > 1) v = "(" + v + " & " + ((1 << fd.width()) - 1) + ")";
                parts.add(fd.lsb() == 0 ? v : v + " << " + fd.lsb());
            }
        }
        return CodeBlock.of("$L", String.join(" | ", parts));
    }

    private CodeBlock javadoc(Group g, List<String> params) {
        CodeBlock.Builder d = CodeBlock.builder();
        Form first = g.rows().get(0);
        d.add(first.alias() ? "Alias form" : "Instruction")
                .add(g.rows().size() > 1 ? "s (the first whose operands fit is used):\n" : ":\n");
        d.add("<ul>\n");
        for (Form f : g.rows()) {
            d.add("<li>{@code $L}", gnuSyntax(f).replace("}", "&#125;"));
            d.add(" &mdash; a64.isa line $L", f.line());
            if (f.reloc() != null) d.add(", relocation {@code R_AARCH64_$L} when the target is elsewhere", f.reloc());
            for (Form.Distinct x : f.distinct()) d.add("; $L must differ from $L", x.first(), x.second());
            d.add("</li>\n");
        }
        d.add("</ul>\n");
        // each parameter: the rules of the kinds that take it, in row order
        for (int i = 0; i < params.size(); i++) {
            List<String> rules = new ArrayList<>();
            for (Form f : g.rows()) {
                int k = 0;
                for (Form.Operand o : f.operands()) {
                    int n = o.kind().params().size();
                    if (i >= k && i < k + n) {
                        String r = o.kind().rule().isEmpty() ? o.kind().name() : o.kind().rule();
                        if (!rules.contains(r)) rules.add(r);
                    }
                    k += n;
                }
            }
            d.add("@param $L $L\n", params.get(i), html(String.join("; or ", rules)).replace("}", "&#125;"));
        }
        d.add("@return this assembler\n");
        d.add("@throws $T if an operand cannot be encoded\n", ClassName.get(PKG, "EncodingException"));
        return d.build();
    }

    /** Text for Javadoc: the rules quote GNU syntax such as {@code <sysreg>}. */
    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The GNU assembler syntax of a row, for documentation. */
    public static String gnuSyntax(Form f) {
        StringBuilder s = new StringBuilder(f.mnemonic());
        String sep = " ";
        for (Form.Operand o : f.operands()) {
            s.append(sep).append(syntaxOf(o));
            sep = ", ";
        }
        return s.toString();
    }

    private static String syntaxOf(Form.Operand o) {
        String n = o.name();
        return switch (o.kind().name()) {
            case "Xr" -> "X" + n + "|xzr";
            case "Xs" -> "X" + n + "|sp";
            case "Wr" -> "W" + n + "|wzr";
            case "Ws" -> "W" + n + "|wsp";
            case "X", "XrNz" -> "X" + n;
            case "W", "WrNz" -> "W" + n;
            case "Sp" -> "sp";
            case "Wsp" -> "wsp";
            case "XPair" -> "X" + n + ", X" + n + "+1";
            case "WPair" -> "W" + n + ", W" + n + "+1";
            case "Cond", "CondInv" -> "<cond>";
            case "ShA64", "ShA32", "ShL64", "ShL32" -> "<shift> #<amount>";
            case "ExtW", "ExtX", "Ext32" -> "<extend> #<amount>";
            case "ExtWz", "ExtXz", "Ext32z" -> "<extend>";
            case "ExtLslX", "ExtLslW" -> "lsl #<amount>";
            case "AddImmSh" -> "#" + n + ", lsl #0|12";
            case "Hw64", "Hw32" -> "lsl #" + n;
            case "Bfx64", "Bfx32", "Bfi64", "Bfi32" -> "#<lsb>, #<width>";
            case "Rel26", "Rel19", "Rel14", "Adr21", "Page21" -> "<label>";
            case "Lo12" -> ":lo12:<symbol>";
            case "SysRegR", "SysRegW" -> "<sysreg>";
            case "PState" -> "<pstatefield>, #<imm>";
            case "Barrier" -> "<option>";
            case "SysOp", "DcOp", "IcOpR", "IcOpN", "TlbiOpR", "TlbiOpN", "AtOp" -> "<op>";
            case "SysRaw" -> "#<op1>, C<n>, C<m>, #<op2>";
            case "Prf" -> "<prfop>";
            default -> o.kind().params().get(0).type().equals("Mem") ? "<mem>" : "#" + n;
        };
    }

    /** The dispatcher the text front end uses to reach the generated methods with parsed operands. */
    JavaFile dispatch() {
        ClassName dispatch = ClassName.get(PKG, "InstructionDispatch");
        MethodSpec.Builder m = MethodSpec.methodBuilder("invoke")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(TypeName.BOOLEAN)
                .addParameter(ASSEMBLER, "a").addParameter(String.class, "mnemonic")
                .addParameter(Object[].class, "ops")
                .addJavadoc("Calls the Assembler method for {@code mnemonic} whose signature accepts {@code ops}\n"
                        + "(the first in table order).\n@return false if no method accepts them\n");
        Map<String, List<Group>> byMnemonic = new LinkedHashMap<>();
        for (Group g : groups()) byMnemonic.computeIfAbsent(g.mnemonic(), k -> new ArrayList<>()).add(g);
        // one method per mnemonic keeps each small (the JIT does not compile huge methods)
        List<MethodSpec> perMnemonic = new ArrayList<>();
        m.beginControlFlow("switch (mnemonic)");
        for (Map.Entry<String, List<Group>> e : byMnemonic.entrySet()) {
            String name = "invoke_" + e.getKey();
            m.addStatement("case $S: return $L(a, ops)", e.getKey(), name);
            MethodSpec.Builder pm = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .returns(TypeName.BOOLEAN).addParameter(ASSEMBLER, "a").addParameter(Object[].class, "ops");
            for (Group g : e.getValue()) {
                CodeBlock.Builder tests = CodeBlock.builder().add("ops.length == $L", g.signature().size());
                CodeBlock.Builder args = CodeBlock.builder();
                for (int i = 0; i < g.signature().size(); i++) {
                    TypeName t = g.signature().get(i);
                    if (i > 0) args.add(", ");
                    if (t.equals(TypeName.INT)) {
                        tests.add(" && isInt(ops[$L])", i);
                        args.add("((Long) ops[$L]).intValue()", i);
                    } else if (t.equals(TypeName.LONG)) {
                        tests.add(" && ops[$L] instanceof Long", i);
                        args.add("(Long) ops[$L]", i);
                    } else {
                        tests.add(" && ops[$L] instanceof $T", i, t);
                        args.add("($T) ops[$L]", t, i);
                    }
                }
                pm.beginControlFlow("if ($L)", tests.build())
                        .addStatement("a.$L($L)", javaName(g.mnemonic()), args.build())
                        .addStatement("return true").endControlFlow();
            }
            pm.addStatement("return false");
            perMnemonic.add(pm.build());
        }
        m.addStatement("default: return false").endControlFlow();
        TypeSpec t = TypeSpec.classBuilder(dispatch).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("Generated from {@code a64.isa}: routes parsed text operands to the Assembler.\n")
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(m.build())
                .addMethods(perMnemonic)
                .addMethod(MethodSpec.methodBuilder("isInt").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                        .returns(TypeName.BOOLEAN).addParameter(Object.class, "o")
                        .addStatement("return o instanceof Long && (Long) o == ((Long) o).intValue()").build())
                .build();
        return JavaFile.builder(PKG, t).skipJavaLangImports(true).indent("    ").build();
    }
}
