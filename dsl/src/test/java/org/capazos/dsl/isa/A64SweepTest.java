package org.capazos.dsl.isa;

import org.capazos.dsl.Assembler;
import org.capazos.dsl.InstructionDispatch;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.isa.SweepCases.Case;
import org.capazos.dsl.isa.SweepCases.TargetKind;
import org.capazos.isa.Form;
import org.capazos.isa.IsaTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The instruction table, form by form, against LLVM (llvm-mc 14, the reference) and Keystone: every operand
 * combination of {@link SweepCases} is emitted through the generated Java API and assembled from its GNU text
 * by one batched llvm-mc run; the bytes must be equal. Keystone must agree with LLVM except where
 * {@code keystone-differences.txt} says why not. The negative sweep checks that llvm-mc rejects every invalid
 * combination and that the DSL throws an EncodingException naming the mnemonic, the operand and the rule (or,
 * for a register of the wrong kind, that no Assembler method takes it at all).
 */
class A64SweepTest {
    private static final int SHOW = 40;
    private static List<Case> positive;
    private static List<LlvmMc.Result> llvm;

    @BeforeAll
    static void sweep() {
        assumeTrue(LlvmMc.available(), "llvm-mc not found at " + LlvmMc.BINARY);
        positive = SweepCases.positive();
        llvm = LlvmMc.assemble(positive.stream().map(c -> c.gnu).toList());
    }

    @Test
    void everyFormMatchesLlvm() {
        List<String> bad = new ArrayList<>();
        Set<Integer> rows = new HashSet<>();
        int labels = 0;
        for (int n = 0; n < positive.size(); n++) {
            Case c = positive.get(n);
            LlvmMc.Result r = llvm.get(n);
            rows.add(c.row.line());
            if (c.target != TargetKind.NONE) labels++;
            if (c.dslError() != null) {
                bad.add(c + "\n      DSL threw: " + c.dslError() + (r.ok() ? "\n      llvm-mc: " + hex(r.word()) : "\n      llvm-mc also rejects: " + r.error()));
            } else if (!r.ok()) {
                bad.add(c + "\n      ours " + hex(c.word()) + ", but llvm-mc rejects it: " + r.error());
            } else if (r.word() != c.word()) {
                bad.add(c + "\n      ours " + hex(c.word()) + "  llvm-mc " + hex(r.word()));
            }
        }
        System.out.printf("A64 sweep: %d table rows, %d operand combinations (%d with a label) checked against llvm-mc%n",
                rows.size(), positive.size(), labels);
        report("forms that differ from llvm-mc", bad);
    }

    @Test
    void everyRowIsReached() {
        List<String> unreached = new ArrayList<>();
        Map<Form, Integer> hits = new LinkedHashMap<>();
        for (Form f : IsaTable.standard().forms()) hits.put(f, 0);
        for (Case c : positive) {
            if (c.dslError() != null) continue;
            int w = c.word();
            if ((w & c.row.fixedMask()) == c.row.fixed()) hits.merge(c.row, 1, Integer::sum);
        }
        hits.forEach((f, n) -> {
            if (n == 0) unreached.add("a64.isa:" + f.line() + " " + org.capazos.isa.AssemblerGenerator.gnuSyntax(f)
                    + ": no case produced this row's encoding (an earlier row of its method takes all its operands?)");
        });
        report("rows never chosen", unreached);
    }

    @Test
    void textDispatchCallsTheSameMethods() {
        ModuleBuilder mb = new ModuleBuilder("dispatch");
        Section s = mb.section(".text", Section.Kind.CODE);
        Assembler a = new Assembler(s);
        List<String> bad = new ArrayList<>();
        List<Case> checked = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (Case c : positive) {
            if (c.target != TargetKind.NONE || c.dslError() != null) continue;
            int before = a.position();
            try {
                if (!InstructionDispatch.invoke(a, c.row.mnemonic(), SweepCases.dispatchArgs(c))) {
                    bad.add(c + ": InstructionDispatch found no method");
                    continue;
                }
            } catch (RuntimeException e) {
                bad.add(c + ": InstructionDispatch threw " + e.getMessage());
                continue;
            }
            if (a.position() != before + 4) {
                bad.add(c + ": InstructionDispatch emitted " + (a.position() - before) + " bytes");
                continue;
            }
            checked.add(c);
            at.add(before);
        }
        byte[] b = s.bytes();
        for (int n = 0; n < checked.size(); n++) {
            int w = SweepCases.readInt(b, at.get(n));
            if (w != checked.get(n).word())
                bad.add(checked.get(n) + ": InstructionDispatch gave " + hex(w) + ", the Java call " + hex(checked.get(n).word()));
        }
        report("cases where InstructionDispatch differs from the Java call", bad);
    }

    /**
     * The label cases as programs with real labels and {@code .space} padding ({@link Case#program}, what a text
     * front end is fed), assembled by llvm-mc into an object file: the instruction word is the DSL's.
     */
    @Test
    void labelProgramsMatchLlvmObjectCode() {
        List<Case> cs = new ArrayList<>();
        StringBuilder src = new StringBuilder();
        for (Case c : positive) {
            if (c.target != TargetKind.BRANCH || Math.abs(c.targetValue) > 1 << 21 || c.dslError() != null) continue;
            src.append(".section .text.c").append(cs.size()).append(",\"ax\",@progbits\n")
                    .append(c.program("lbl_" + cs.size())).append('\n');
            cs.add(c);
        }
        Map<String, byte[]> sections = LlvmMc.objectSections(src.toString());
        List<String> bad = new ArrayList<>();
        for (int k = 0; k < cs.size(); k++) {
            Case c = cs.get(k);
            byte[] b = sections.get(".text.c" + k);
            int w = SweepCases.readInt(b, (int) c.instructionOffset());
            if (w != c.word()) bad.add(c + "\n      as a program: " + c.program("L").replace("\n", "; ") + "\n      ours "
                    + hex(c.word()) + "  llvm-mc " + hex(w));
        }
        System.out.printf("A64 sweep: %d label cases also assembled by llvm-mc as programs with labels and padding%n",
                cs.size());
        report("label programs that differ from llvm-mc's object code", bad);
    }

    /**
     * The decoders ({@code Enc.decode}, for disassemblers): every word of the sweep, taken apart by a row of its
     * mnemonic whose fixed bits match, decodes to operand values that the row's method encodes to the same word.
     */
    @Test
    void everyWordDecodesBackToItsOperands() {
        Map<String, List<Form>> byMnemonic = new LinkedHashMap<>();
        for (Form f : IsaTable.standard().forms()) byMnemonic.computeIfAbsent(f.mnemonic(), k -> new ArrayList<>()).add(f);
        List<String> bad = new ArrayList<>();
        int checked = 0;
        for (Case c : positive) {
            if (c.target != TargetKind.NONE || c.dslError() != null) continue;
            int w = c.word();
            boolean found = false;
            List<String> tried = new ArrayList<>();
            for (Form f : byMnemonic.get(c.row.mnemonic())) {
                if ((w & f.fixedMask()) != f.fixed()) continue;
                List<Object> args = new ArrayList<>();
                boolean ok = true;
                for (Form.Operand o : f.operands()) {
                    long packed = 0;
                    for (Form.Field fd : f.fields()) {
                        if (!fd.operand().equals(o.name())) continue;
                        long v = (w >>> fd.lsb()) & ((1L << fd.width()) - 1);
                        packed |= fd.subfield() == null ? v : v << o.kind().shiftOf(fd.subfield());
                    }
                    Object[] vals = org.capazos.dsl.Enc.decode(o.kind(), (int) packed);
                    if (vals == null) {
                        ok = false;
                        break;
                    }
                    args.addAll(List.of(vals));
                }
                if (!ok) {
                    tried.add("line " + f.line() + ": an operand does not decode");
                    continue;
                }
                Section s = new ModuleBuilder("decode").section(".text", Section.Kind.CODE);
                try {
                    SweepCases.method(f).invoke(new Assembler(s), args.toArray());
                } catch (ReflectiveOperationException e) {
                    tried.add("line " + f.line() + ": " + args + " -> " + e.getCause());
                    continue;
                }
                int again = SweepCases.readInt(s.bytes(), 0);
                if (again == w) {
                    found = true;
                    break;
                }
                tried.add("line " + f.line() + ": " + args + " -> " + hex(again));
            }
            checked++;
            if (!found) bad.add(c + " = " + hex(w) + ": " + tried);
        }
        System.out.printf("A64 sweep: %d words decoded back to their operands by Enc.decode%n", checked);
        report("words that do not decode back", bad);
    }

    // ---- Keystone ------------------------------------------------------------------------------------------

    /** An entry of keystone-differences.txt. */
    record Known(String what, Pattern pattern, String reason, int[] used) { }

    /** The entries of a list in the test resources: {@code fields} fields separated by '|', '#' comments. */
    static List<String[]> entries(String file, int fields) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = A64SweepTest.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("missing test resource " + file);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] p = line.split(" \\| ", fields);
                if (p.length != fields) throw new IllegalStateException("bad line in " + file + ": " + line);
                for (int k = 0; k < p.length; k++) p[k] = p[k].strip();
                out.add(p);
            }
        }
        return out;
    }

    static List<Known> knownKeystoneDifferences() throws IOException {
        List<Known> known = new ArrayList<>();
        for (String[] p : entries("keystone-differences.txt", 3))
            known.add(new Known(p[0], Pattern.compile(p[1]), p[2], new int[1]));
        return known;
    }

    @Test
    void keystoneAgreesWithLlvmExceptKnownDifferences() throws IOException {
        List<Known> known = knownKeystoneDifferences();
        List<Case> plain = new ArrayList<>(), targets = new ArrayList<>();
        List<Integer> plainIdx = new ArrayList<>(), targetIdx = new ArrayList<>();
        for (int n = 0; n < positive.size(); n++) {
            if (!llvm.get(n).ok()) continue; // already a failure of everyFormMatchesLlvm
            Case c = positive.get(n);
            if (c.target == TargetKind.NONE) {
                plain.add(c);
                plainIdx.add(n);
            } else {
                targets.add(c);
                targetIdx.add(n);
            }
        }
        List<KeystoneBatch.Result> ksPlain, ksTargets;
        try (KeystoneBatch ks = new KeystoneBatch()) {
            ksPlain = ks.assemble(plain.stream().map(c -> c.gnu).toList());
            ksTargets = ks.assembleEachAtZero(targets.stream().map(c -> c.gnu).toList());
        }
        List<String> unexpected = new ArrayList<>();
        int compared = 0, agreed = 0, explained = 0;
        for (int pass = 0; pass < 2; pass++) {
            List<Case> cs = pass == 0 ? plain : targets;
            List<Integer> idx = pass == 0 ? plainIdx : targetIdx;
            List<KeystoneBatch.Result> ks = pass == 0 ? ksPlain : ksTargets;
            for (int n = 0; n < cs.size(); n++) {
                Case c = cs.get(n);
                int want = llvm.get(idx.get(n)).word();
                KeystoneBatch.Result k = ks.get(n);
                compared++;
                if (k.ok() && k.word() == want) {
                    agreed++;
                    continue;
                }
                String what = k.ok() ? "bytes" : "error";
                Known hit = null;
                for (Known kn : known)
                    if ((kn.what().equals(what) || kn.what().equals("any")) && kn.pattern().matcher(c.gnu).find()) {
                        hit = kn;
                        break;
                    }
                if (hit != null) {
                    hit.used()[0]++;
                    explained++;
                } else {
                    unexpected.add(what + " | " + c.gnu + "   (a64.isa:" + c.row.line() + "; llvm-mc " + hex(want)
                            + ", Keystone " + (k.ok() ? hex(k.word()) : "rejects it: " + k.error()) + ")");
                }
            }
        }
        System.out.printf("A64 sweep: %d combinations assembled by Keystone too: %d agree with llvm-mc, %d differ as "
                + "keystone-differences.txt explains (%d entries)%n", compared, agreed, explained, known.size());
        for (Known kn : known)
            System.out.printf("    %6d  %-5s %s%n", kn.used()[0], kn.what(), kn.reason());
        List<String> stale = new ArrayList<>();
        for (Known kn : known) if (kn.used()[0] == 0) stale.add(kn.what() + " | " + kn.pattern() + " | " + kn.reason());
        report("Keystone disagreements with llvm-mc not explained by keystone-differences.txt", unexpected);
        report("keystone-differences.txt entries that no case needs any more", stale);
    }

    // ---- negative sweep ------------------------------------------------------------------------------------

    @Test
    void everyInvalidCombinationIsRejected() throws IOException {
        List<Case> negative = SweepCases.negative();
        List<LlvmMc.Result> r = LlvmMc.assemble(negative.stream().map(c -> c.gnu).toList());
        List<Known> lenient = new ArrayList<>();
        for (String[] p : entries("llvm-lenient.txt", 2)) lenient.add(new Known("", Pattern.compile(p[0]), p[1], new int[1]));
        List<String> bad = new ArrayList<>();
        int byException = 0, byType = 0, llvmLenient = 0;
        for (int n = 0; n < negative.size(); n++) {
            Case c = negative.get(n);
            if (r.get(n).ok()) {
                Known hit = lenient.stream().filter(k -> k.pattern().matcher(c.gnu).find()).findFirst().orElse(null);
                if (hit != null) {
                    hit.used()[0]++;
                    llvmLenient++;
                } else {
                    bad.add(c + "\n      llvm-mc accepts it (" + hex(r.get(n).word()) + ") but the sweep thinks it invalid: " + c.why());
                }
            }
            if (SweepCases.acceptsTypes(c)) {
                String m = c.dslError();
                if (m == null) {
                    bad.add(c + "\n      the DSL accepted it (" + hex(c.word()) + "): " + c.why());
                    continue;
                }
                boolean named = c.target != TargetKind.NONE && c.why().contains(" l ")
                        ? m.contains("out of range") || m.contains("multiple of 4")
                        : m.startsWith(c.row.mnemonic() + ": operand ") && m.contains("must be ");
                if (!named) bad.add(c + "\n      the DSL's message does not name mnemonic, operand and rule: " + m);
                byException++;
            } else {
                if (!SweepCases.applicable(c).isEmpty()) bad.add(c + ": an Assembler method takes these types");
                byType++;
            }
        }
        System.out.printf("A64 negative sweep: %d invalid combinations: llvm-mc rejects %d (and accepts %d as "
                + "llvm-lenient.txt explains); the DSL throws EncodingException for %d and has no method for the Java "
                + "types of %d (a register of the wrong kind)%n",
                negative.size(), negative.size() - llvmLenient, llvmLenient, byException, byType);
        for (Known k : lenient) if (k.used()[0] == 0) bad.add("llvm-lenient.txt entry no case needs any more: " + k.pattern());
        report("invalid combinations not rejected as they should be", bad);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static String hex(int w) {
        return String.format("%08x", w);
    }

    static void report(String title, List<String> bad) {
        if (bad.isEmpty()) return;
        try { // the whole list, for reading at leisure
            java.nio.file.Path dir = java.nio.file.Path.of("target", "a64-sweep");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve(title.replaceAll("[^A-Za-z0-9]+", "-") + ".txt"), bad);
        } catch (IOException e) {
            // only a convenience
        }
        StringBuilder sb = new StringBuilder(bad.size() + " " + title + ":\n");
        for (int n = 0; n < Math.min(SHOW, bad.size()); n++) sb.append("  ").append(bad.get(n)).append('\n');
        if (bad.size() > SHOW) sb.append("  ... and ").append(bad.size() - SHOW).append(" more\n");
        fail(sb.toString());
    }

    @Test
    void sweepIsLarge() {
        assertTrue(positive.size() > 10_000, "positive cases: " + positive.size());
        assertEquals(IsaTable.standard().forms().size(),
                positive.stream().map(c -> c.row).distinct().count(), "every row has cases");
    }
}
