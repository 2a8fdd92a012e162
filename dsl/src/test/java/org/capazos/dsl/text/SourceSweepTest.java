package org.capazos.dsl.text;

import org.capazos.dsl.isa.SweepCases;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instruction-table sweep through the source assembler: every positive case's GNU line (the one llvm-mc
 * assembled to the same bytes, see dsl/isa) goes into one source file, which must assemble without a diagnostic
 * to the same words; every branch case, as a little program with a real label at the case's distance, must give
 * the same word once the assembler has resolved the label.
 */
class SourceSweepTest {
    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    @Test
    void everyTableCaseAssemblesFromSourceToTheSameWord() {
        List<SweepCases.Case> cases = new ArrayList<>();
        for (SweepCases.Case c : SweepCases.positive()) if (c.target == SweepCases.TargetKind.NONE) cases.add(c);
        StringBuilder src = new StringBuilder(cases.size() * 32);
        for (SweepCases.Case c : cases) src.append(c.gnu).append('\n');
        SourceAssembler.Result r = SourceAssembler.assemble("sweep.o", "sweep.s", src.toString(),
                new SourceAssembler.Options());
        Map<Integer, List<String>> failures = new LinkedHashMap<>();
        if (!r.ok()) {
            for (SourceError e : r.errors()) {
                SweepCases.Case c = cases.get(e.line() - 1);
                failures.computeIfAbsent(c.row.line(), k -> new ArrayList<>()).add(c.gnu + ": " + e.message());
            }
        } else {
            ModuleSection text = r.module().section(".text");
            assertTrue(text.size() == 4L * cases.size(), "one word per case: " + text.size());
            for (int i = 0; i < cases.size(); i++) {
                SweepCases.Case c = cases.get(i);
                int w = word(text.bytes(), 4 * i);
                if (w != c.word()) failures.computeIfAbsent(c.row.line(), k -> new ArrayList<>())
                        .add(String.format("%s: got %08x, want %08x", c.gnu, w, c.word()));
            }
        }
        StringBuilder report = new StringBuilder();
        failures.forEach((line, list) -> report.append("a64.isa:").append(line).append(" (").append(list.size())
                .append(" cases) e.g. ").append(list.get(0)).append('\n'));
        System.out.println("source sweep: " + cases.size() + " cases in one file, "
                + failures.values().stream().mapToInt(List::size).sum() + " failed in " + failures.size() + " rows");
        assertTrue(failures.isEmpty(), report.toString());
    }

    @Test
    void branchCasesResolveTheirLabels() {
        Map<Integer, List<String>> failures = new LinkedHashMap<>();
        int checked = 0;
        for (SweepCases.Case c : SweepCases.positive()) {
            if (c.target != SweepCases.TargetKind.BRANCH) continue;
            checked++;
            String problem;
            try {
                Module m = SourceAssembler.assembleOrThrow("b.o", "b.s", c.program("target"));
                int w = word(m.section(".text").bytes(), (int) c.instructionOffset());
                problem = w == c.word() ? null : String.format("%s: got %08x, want %08x", c.program("target")
                        .replace('\n', ';'), w, c.word());
            } catch (RuntimeException e) {
                problem = c.program("target").replace('\n', ';') + ": " + e.getMessage().replace('\n', ' ');
            }
            if (problem != null) failures.computeIfAbsent(c.row.line(), k -> new ArrayList<>()).add(problem);
        }
        StringBuilder report = new StringBuilder();
        failures.forEach((line, list) -> report.append("a64.isa:").append(line).append(" (").append(list.size())
                .append(" cases) e.g. ").append(list.get(0)).append('\n'));
        System.out.println("source sweep: " + checked + " branch cases, " + failures.size() + " rows failed");
        assertTrue(checked > 0, "no branch cases");
        assertTrue(failures.isEmpty(), report.toString());
    }
}
