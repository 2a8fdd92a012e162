package org.capazos.dsl.isa;

import org.capazos.dsl.Assembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.text.TextAssembler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep through the text front end: every positive case's GNU line (the one llvm-mc assembled to the same
 * bytes) is assembled from text, through the table only (no Keystone fallback), and must give the same word.
 */
class TextSweepTest {
    @Test
    void everyCaseAssemblesFromText() {
        List<SweepCases.Case> cases = SweepCases.positive();
        Map<Integer, List<String>> failures = new LinkedHashMap<>();
        int checked = 0;
        for (SweepCases.Case c : cases) {
            if (c.target != SweepCases.TargetKind.NONE) continue;
            Section s = new ModuleBuilder("t").section(".text", Section.Kind.CODE);
            Assembler a = new Assembler(s);
            String problem = null;
            try {
                new TextAssembler(a).tableOnly().assemble(c.gnu, "sweep");
                byte[] b = s.bytes();
                int w = b.length == 4 ? (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24 : 0;
                if (b.length != 4 || w != c.word())
                    problem = String.format("%s: got %08x, want %08x", c.gnu, w, c.word());
            } catch (RuntimeException e) {
                problem = c.gnu + ": " + e.getMessage().replace('\n', ' ');
            }
            checked++;
            if (problem != null) failures.computeIfAbsent(c.row.line(), k -> new ArrayList<>()).add(problem);
        }
        StringBuilder report = new StringBuilder();
        failures.forEach((line, list) -> report.append("a64.isa:").append(line).append(" (").append(list.size())
                .append(" cases) e.g. ").append(list.get(0)).append('\n'));
        System.out.println("text sweep: " + checked + " cases from " + cases.size() + " (label cases excluded), "
                + failures.values().stream().mapToInt(List::size).sum() + " failed in " + failures.size() + " rows");
        assertTrue(failures.isEmpty(), report.toString());
    }
}
