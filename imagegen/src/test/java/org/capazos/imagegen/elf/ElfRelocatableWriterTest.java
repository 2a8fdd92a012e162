package org.capazos.imagegen.elf;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.imagegen.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A DSL module written as an ET_REL object: read back the same, and llvm-readelf reads it cleanly. */
class ElfRelocatableWriterTest {
    @TempDir
    Path dir;

    @Test
    void aModuleSurvivesTheRoundTrip() {
        Module m = LldDifferentialTest.dslModule();
        Module back = ElfObjectReader.read("dsl.o", ElfRelocatableWriter.write(m));
        assertEquals(m.sections().size(), back.sections().size());
        for (ModuleSection s : m.sections()) {
            ModuleSection b = back.section(s.name());
            assertEquals(s.flags(), b.flags(), s.name());
            assertEquals(s.size(), b.size());
            assertEquals(s.alignment(), b.alignment());
            assertArrayEquals(s.bytes(), b.bytes());
            assertArrayEquals(s.instructions(), b.instructions(), "instructions, via $x/$d");
            assertEquals(s.relocations().size(), b.relocations().size());
            for (int i = 0; i < s.relocations().size(); i++) {
                Relocation x = s.relocations().get(i), y = b.relocations().get(i);
                assertEquals(List.of(x.offset(), x.kind(), x.symbol(), x.addend()),
                        List.of(y.offset(), y.kind(), y.symbol(), y.addend()));
            }
        }
        for (ModuleSymbol s : m.symbols()) {
            if (!s.isDefined()) continue;
            assertEquals(s, back.symbol(s.name()), s.name());
        }
        assertEquals(m.symbols().stream().filter(s -> !s.isDefined()).map(ModuleSymbol::name).sorted().toList(),
                back.symbols().stream().filter(s -> !s.isDefined()).map(ModuleSymbol::name).sorted().toList());
    }

    @Test
    void llvmReadelfReadsTheObjectWithoutWarnings() throws IOException {
        assumeTrue(ExternalTools.readelf().isPresent(), "llvm-readelf");
        Path o = dir.resolve("dsl.o");
        Files.write(o, ElfRelocatableWriter.write(LldDifferentialTest.dslModule()));
        List<String> cmd = List.of(ExternalTools.readelf().get().toString(), "-a", o.toString());
        ExternalTools.Run r = ExternalTools.run(dir, cmd).ok(cmd);
        assertEquals("", r.err());
        assertFalse(r.out().toLowerCase().contains("warning"), r.out());
        assertTrue(r.out().contains("REL (Relocatable file)"), r.out());
        assertTrue(r.out().contains("R_AARCH64_CALL26"), r.out());
        assertTrue(r.out().contains("helper_dsl"), r.out());
    }
}
