package org.capazos.imagegen.elf;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.LinkException;
import org.capazos.isa.RelocKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reading relocatable objects of llvm-mc (and GNU as) into Modules, and the errors of reading. */
class ElfObjectReaderTest {
    @TempDir
    Path dir;

    static final String SOURCE = """
            .text
            .globl f
            .type f, %function
            f:
                bl g
                adrp x0, local_data
                add x0, x0, :lo12:local_data
                b 1f
                .word 0x12345678
            1:  ret
            .size f, . - f
            .section .rodata.str, "a"
            local_data:
                .asciz "hi"
            .data
            .p2align 3
            .weak w
            w:  .quad f + 8
            .bss
            .p2align 4
            .globl buf
            buf: .zero 32
            .set absval, 0x1234
            .globl absval
            """;

    @Test
    void readsSectionsSymbolsRelocationsAndInstructionsOfAnLlvmMcObject() throws IOException {
        assumeTrue(ExternalTools.llvmMc().isPresent(), "llvm-mc");
        Module m = ElfObjectReader.read(ExternalTools.assemble(dir, "one.o", SOURCE));
        assertEquals("one.o", m.name());
        assertEquals(List.of(".text", ".rodata.str", ".data", ".bss"), m.sections().stream().map(ModuleSection::name).toList());
        ModuleSection text = m.section(".text");
        assertTrue(text.isExec() && text.isAlloc() && !text.isWrite());
        assertEquals(24, text.size());
        assertArrayEquals(new int[] {0, 4, 8, 12, 20}, text.instructions(), "the .word is data ($d)");
        ModuleSection bss = m.section(".bss");
        assertTrue(bss.nobits());
        assertEquals(32, bss.size());
        assertEquals(16, bss.alignment());
        assertTrue(m.section(".data").isWrite());

        assertEquals(new ModuleSymbol(".text", ".text", 0, 0, ModuleSymbol.Binding.LOCAL, ModuleSymbol.Type.SECTION),
                m.symbol(".text"));
        assertEquals(new ModuleSymbol("f", ".text", 0, 24, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.FUNC),
                m.symbol("f"));
        assertEquals(ModuleSymbol.Binding.WEAK, m.symbol("w").binding());
        assertEquals(ModuleSymbol.Binding.LOCAL, m.symbol("local_data").binding());
        assertNull(m.symbol("g").section(), "undefined");
        assertEquals(ModuleSymbol.ABSOLUTE, m.symbol("absval").section());
        assertEquals(0x1234, m.symbol("absval").value());
        assertTrue(m.symbols().stream().noneMatch(s -> s.name().startsWith("$")), "no mapping symbols");

        List<Relocation> r = text.relocations();
        assertEquals(List.of(RelocKind.CALL26, RelocKind.ADR_PREL_PG_HI21, RelocKind.ADD_ABS_LO12_NC),
                r.stream().map(Relocation::kind).toList());
        assertEquals("g", r.get(0).symbol());
        assertEquals(".rodata.str", r.get(1).symbol(), "local symbols become section-relative");
        assertEquals("one.o:.text+0x4", r.get(1).site());
        Relocation data = m.section(".data").relocations().get(0);
        assertEquals(RelocKind.ABS64, data.kind());
        assertEquals("f", data.symbol());
        assertEquals(8, data.addend());
    }

    @Test
    void unsupportedRelocationsNameTheObjectSectionAndOffset() throws IOException {
        assumeTrue(ExternalTools.llvmMc().isPresent(), "llvm-mc");
        Path o = ExternalTools.assemble(dir, "got.o", """
                .text
                nop
                adrp x0, :got:sym
                """);
        LinkException e = assertThrows(LinkException.class, () -> ElfObjectReader.read(o));
        assertEquals("got.o: section .text: offset 0x4: unsupported relocation type R_AARCH64_ADR_GOT_PAGE (311)",
                e.getMessage());
    }

    @Test
    void readsGnuAsObjectsToo() throws IOException {
        assumeTrue(ExternalTools.find("aarch64-linux-gnu-as").isPresent(), "aarch64-linux-gnu-as");
        Path s = dir.resolve("gnu.s");
        Files.writeString(s, SOURCE.replace(".set absval, 0x1234", ".set absval, 0x1234\n"));
        List<String> cmd = List.of(ExternalTools.find("aarch64-linux-gnu-as").get().toString(), s.toString(), "-o",
                dir.resolve("gnu.o").toString());
        ExternalTools.run(dir, cmd).ok(cmd);
        Module m = ElfObjectReader.read(dir.resolve("gnu.o"));
        assertEquals(24, m.section(".text").size());
        assertEquals(RelocKind.CALL26, m.section(".text").relocations().get(0).kind());
        assertArrayEquals(new int[] {0, 4, 8, 12, 20}, m.section(".text").instructions());
    }

    @Test
    void malformedInputIsAnErrorWithTheByteOffset() throws IOException {
        assertEquals("x.o: offset 0x0: not an ELF file",
                assertThrows(LinkException.class, () -> ElfObjectReader.read("x.o", new byte[100])).getMessage());
        byte[] elf = ElfRelocatableWriter.write(new Module("m", List.of(), List.of()));
        byte[] cut = Arrays.copyOf(elf, 80);
        LinkException e = assertThrows(LinkException.class, () -> ElfObjectReader.read("cut.o", cut));
        assertTrue(e.getMessage().startsWith("cut.o: offset 0x"), e.getMessage());
        assertTrue(e.getMessage().contains("lies outside the file"), e.getMessage());
        byte[] exec = elf.clone();
        exec[16] = 2;
        assertEquals("exec.o: offset 0x10: not a relocatable object (e_type 2)",
                assertThrows(LinkException.class, () -> ElfObjectReader.read("exec.o", exec)).getMessage());
    }
}
