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
            default -> ClassName.get(PKG, t);
        };
    }

    static String javaName(String mnemonic) {
        return switch (mnemonic) { // Java keywords and the like
            case "and" -> "and";
            default -> mnemonic;
        };
    }

    /** The Java parameter names of an operand (one per kind parameter). */
    static List<String> paramNames(Form.Operand o) {
        List<OperandKind.Param> ps = o.kind().params();
        if (ps.size() == 1) return List.of(o.name());
        return ps.stream().map(OperandKind.Param::name).collect(Collectors.toList());
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
        int i = 0;
        for (Form.Operand o : first.operands())
            for (String pn : paramNames(o)) m.addParameter(ParameterSpec.builder(g.signature().get(i++), pn).build());
        m.addJavadoc(javadoc(g));
        for (Form f : g.rows()) m.addCode(rowCode(f, g.rows().size() == 1));
        if (g.rows().size() > 1) {
            List<String> rules = new ArrayList<>();
            String culprit = null;
            for (Form.Operand o : first.operands()) {
                boolean varies = g.rows().stream().anyMatch(r -> !r.operand(o.name()).kind().equals(o.kind()));
                if (varies) culprit = o.name();
            }
            for (Form f : g.rows()) rules.add(f.operand(culprit).kind().rule());
            m.addStatement("throw invalid($S, $S, $L, $S)", g.mnemonic(), culprit,
                    valueExpr(first.operand(culprit)), String.join("; or ", rules));
        }
        return m.build();
    }

    private static String valueExpr(Form.Operand o) {
        List<String> names = paramNames(o);
        return names.size() == 1 ? names.get(0) : "java.util.List.of(" + String.join(", ", names) + ")";
    }

    /** The code for one row: validate and pack its encoded operands; if all fit, emit and return. */
    private CodeBlock rowCode(Form f, boolean only) {
        CodeBlock.Builder c = CodeBlock.builder();
        List<String> conds = new ArrayList<>();
        String prefix = "r" + f.line() + "_";
        for (Form.Operand o : f.operands()) {
            OperandKind k = o.kind();
            if (k.encoder() == null) continue;
            String var = prefix + o.name();
            c.addStatement("int $L = $T.$L($L)", var, ENC, k.encoder(), String.join(", ", paramNames(o)));
            if (only) c.beginControlFlow("if ($L < 0)", var)
                    .addStatement("throw invalid($S, $S, $L, $S)", f.mnemonic(), o.name(), valueExpr(o), k.rule())
                    .endControlFlow();
            else conds.add(var + " >= 0");
        }
        CodeBlock word = word(f, prefix);
        Form.Operand target = f.operands().stream().filter(o -> o.kind().isTarget()).findFirst().orElse(null);
        CodeBlock emit;
        if (target == null) emit = CodeBlock.of("emit($L)", word);
        else if (target.kind().params().get(0).type().equals("Lo12"))
            emit = CodeBlock.of("emitTarget($L, $L.label(), $L.addend(), $T.$L)", word, target.name(), target.name(),
                    RELOC, f.reloc().name());
        else emit = CodeBlock.of("emitTarget($L, $L, 0, $T.$L)", word, target.name(), RELOC, f.reloc().name());
        if (conds.isEmpty()) {
            c.addStatement(emit).addStatement("return this");
        } else {
            c.beginControlFlow("if ($L)", String.join(" && ", conds)).addStatement(emit)
                    .addStatement("return this").endControlFlow();
        }
        return c.build();
    }

    private static CodeBlock word(Form f, String prefix) {
        List<String> parts = new ArrayList<>();
        parts.add(String.format("0x%08x", f.fixed()));
        for (Form.Field fd : f.fields()) {
            Form.Operand o = f.operand(fd.operand());
            OperandKind k = o.kind();
            if (k.isTarget()) continue; // filled by the fixup or the relocation
            if (k.isRegister()) {
                parts.add(fd.lsb() == 0 ? "reg(" + o.name() + ")" : "reg(" + o.name() + ") << " + fd.lsb());
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

    private CodeBlock javadoc(Group g) {
        CodeBlock.Builder d = CodeBlock.builder();
        Form first = g.rows().get(0);
        d.add(first.alias() ? "Alias form" : "Instruction")
                .add(g.rows().size() > 1 ? "s (the first whose operands fit is used):\n" : ":\n");
        d.add("<ul>\n");
        for (Form f : g.rows()) {
            d.add("<li>{@code $L}", gnuSyntax(f).replace("}", "&#125;"));
            d.add(" &mdash; a64.isa line $L", f.line());
            if (f.reloc() != null) d.add(", relocation {@code R_AARCH64_$L} when the target is elsewhere", f.reloc());
            d.add("</li>\n");
        }
        d.add("</ul>\n");
        for (Form.Operand o : first.operands()) {
            String rule = o.kind().rule();
            for (String pn : paramNames(o)) d.add("@param $L $L\n", pn, rule.isEmpty() ? o.kind().name() : rule);
        }
        d.add("@return this assembler\n");
        d.add("@throws $T if an operand cannot be encoded\n", ClassName.get(PKG, "EncodingException"));
        return d.build();
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
            case "X" -> "X" + n;
            case "Sp" -> "sp";
            case "Cond", "CondInv" -> "<cond>";
            case "ShA64", "ShA32", "ShL64", "ShL32" -> "<shift> #<amount>";
            case "ExtW", "ExtX" -> "<extend> #<amount>";
            case "Hw64", "Hw32" -> "lsl #" + n;
            case "Bfx64", "Bfx32", "Bfi64", "Bfi32" -> "#<lsb>, #<width>";
            case "Rel26", "Rel19", "Rel14", "Adr21", "Page21" -> "<label>";
            case "Lo12" -> ":lo12:<symbol>";
            case "SysReg" -> "<sysreg>";
            case "PState" -> "<pstatefield>, #<imm>";
            case "Barrier" -> "<option>";
            case "SysOp" -> "<op>";
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
        m.beginControlFlow("switch (mnemonic)");
        for (Map.Entry<String, List<Group>> e : byMnemonic.entrySet()) {
            m.beginControlFlow("case $S:", e.getKey());
            for (Group g : e.getValue()) {
                List<String> tests = new ArrayList<>();
                List<String> args = new ArrayList<>();
                tests.add("ops.length == " + g.signature().size());
                for (int i = 0; i < g.signature().size(); i++) {
                    TypeName t = g.signature().get(i);
                    if (t.equals(TypeName.INT)) {
                        tests.add("isInt(ops[" + i + "])");
                        args.add("((Long) ops[" + i + "]).intValue()");
                    } else if (t.equals(TypeName.LONG)) {
                        tests.add("ops[" + i + "] instanceof Long");
                        args.add("(Long) ops[" + i + "]");
                    } else {
                        tests.add("ops[" + i + "] instanceof " + ((ClassName) t).simpleName());
                        args.add("(" + ((ClassName) t).simpleName() + ") ops[" + i + "]");
                    }
                }
                m.beginControlFlow("if ($L)", String.join(" && ", tests))
                        .addStatement("a.$L($L)", javaName(g.mnemonic()), String.join(", ", args))
                        .addStatement("return true").endControlFlow();
            }
            m.addStatement("return false").endControlFlow();
        }
        m.addStatement("default: return false").endControlFlow();
        TypeSpec t = TypeSpec.classBuilder(dispatch).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("Generated from {@code a64.isa}: routes parsed text operands to the Assembler.\n")
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(m.build())
                .addMethod(MethodSpec.methodBuilder("isInt").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                        .returns(TypeName.BOOLEAN).addParameter(Object.class, "o")
                        .addStatement("return o instanceof Long && (Long) o == ((Long) o).intValue()").build())
                .build();
        return JavaFile.builder(PKG, t).skipJavaLangImports(true).indent("    ").build();
    }
}
