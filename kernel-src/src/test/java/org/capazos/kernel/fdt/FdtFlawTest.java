package org.capazos.kernel.fdt;

import org.capazos.harness.emu.EmulatorException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tests of the tests: a parser with a deliberate off-by-one in a bounds check must fail the corpus. If
 * these pass with the flaw, the corpus or the exact memory mapping has lost its teeth.
 */
class FdtFlawTest {
    /** The corpus cases the flawed parser gets wrong: a wrong reason, or a fault (message kept). */
    static List<String> failures(Fdt.Flaw flaw) {
        List<String> failed = new ArrayList<>();
        try (FdtRunner runner = new FdtRunner(flaw)) {
            for (FdtCorpus.Case c : FdtCorpus.all()) {
                try {
                    FdtRunner.Outcome o = runner.parse(c.blob(), c.misalign());
                    if (!c.reason().equals(o.reason()))
                        failed.add(c.name() + ": reason \"" + o.reason() + "\" instead of \"" + c.reason() + "\"");
                } catch (EmulatorException e) {
                    failed.add(c.name() + ": " + e.getMessage());
                }
            }
        }
        failed.forEach(f -> System.out.println("FDT-FLAW " + flaw + " caught: " + f));
        return failed;
    }

    @Test
    void nameScanOnePastTheEndFaults() {
        List<String> failed = failures(Fdt.Flaw.NAME_SCAN_ONE_PAST_END);
        assertTrue(failed.stream().anyMatch(f -> f.startsWith("unterminated node name at the end of the blob: read of 1 byte at 0x")
                && f.contains("past the end of buffer \"dtb\"") && f.contains("<fdt_next_token+")), failed.toString());
    }

    @Test
    void propertyValueOnePastTheEndIsCaught() {
        List<String> failed = failures(Fdt.Flaw.PROP_VALUE_ONE_PAST_END);
        assertTrue(failed.stream().anyMatch(f -> f.startsWith("property value 1 byte past the struct block: ")),
                failed.toString());
    }

    @Test
    void theCorrectParserPassesTheSameCorpus() {
        try (FdtRunner runner = new FdtRunner()) {
            for (FdtCorpus.Case c : FdtCorpus.all())
                assertEquals(c.reason(), runner.parse(c.blob(), c.misalign()).reason(), c.name());
        }
    }
}
