package org.capazos.imagegen.elf;

import org.capazos.dsl.Label;
import org.capazos.dsl.Lo12;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.module.Module;
import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.RawAssembler;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.LinkedSymbol;
import org.capazos.imagegen.link.Linker;
import org.capazos.imagegen.link.OutputSection;
import org.capazos.imagegen.script.Parser;
import org.capazos.isa.RelocKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same relocatable objects and the same script, linked by our linker and by ld.lld {@code --no-relax},
 * must give the same bytes in every loadable section, the same addresses (VMA and LMA) and the same symbol
 * values. Inputs: objects assembled by llvm-mc (every relocation kind, cross-module calls and data
 * references) and a DSL module, which ld.lld reads through our ELF writer.
 */
class LldDifferentialTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        Differential.requireLlvm();
    }

    /** Also links with GNU ld (when installed) and compares everything, program headers included. */
    void alsoGnu(LinkedImage ours, Path script, List<Path> objects, String... extra) throws IOException {
        if (!Differential.haveGnu()) return;
        Path out = Differential.link(Differential.Ref.GNU, dir, script, objects, "gnu.elf", extra);
        Differential.compare(ours, Files.readAllBytes(out), Differential.Check.FULL, Differential.Ref.GNU);
    }

    static final String START = """
            .section .text.boot, "ax"
            .globl _start
            .type _start, %function
            _start:
                bl kmain
                b far_func
                b.eq far_func
                cbz x0, far_func
                cbnz w1, far_func
                tbz x1, #3, far_func
                tbnz w1, #31, far_func
                ldr x2, lit_global
                ldr w2, lit_global
                adr x3, data_sym
                adrp x4, data_sym
                add x4, x4, :lo12:data_sym
                ldrb w5, [x4, :lo12:data_sym]
                ldrh w5, [x4, :lo12:data_h]
                ldr w5, [x4, :lo12:data_w]
                ldr x5, [x4, :lo12:data_x]
                ldr q5, [x4, :lo12:data_q]
                movz x6, #:abs_g3:data_sym
                movk x6, #:abs_g2_nc:data_sym
                movk x6, #:abs_g1_nc:data_sym
                movk x6, #:abs_g0_nc:data_sym
                movz x7, #:abs_g0:small_abs
                movz x7, #:abs_g1:small_abs
                movz x7, #:abs_g2:small_abs
                adrp x8, :pg_hi21_nc:data_sym
                adrp x9, bss_buf
                add x9, x9, :lo12:bss_buf + 16
                bl helper_dsl
                ret
            .size _start, . - _start
            local_label:
                nop
            .section .rodata, "a"
            .p2align 3
            .globl lit_global
            .type lit_global, %object
            lit_global:
                .quad data_sym
                .quad far_func + 8
                .word small_abs
                .hword small_abs
                .p2align 3
                .quad data_sym - .
                .word data_sym - .
                .hword far_func - .
                .quad local_label
                .quad used_provide
                .quad __bss_end, __bss_start, __end
            .size lit_global, . - lit_global
            """;

    static final String KMAIN = """
            .text
            .globl kmain, far_func
            .type kmain, %function
            kmain:
                nop
                bl helper_dsl
                b.ne 1f
                ret
            1:  b kmain
            .size kmain, . - kmain
            .type far_func, %function
            far_func:
                ret
            .size far_func, 4
            .data
            .p2align 4
            .globl data_sym, data_h, data_w, data_x, data_q
            data_sym: .byte 1
            .p2align 1
            data_h: .hword 2
            .p2align 2
            data_w: .word 3
            .p2align 3
            data_x: .quad 4
            .p2align 4
            data_q: .quad 5, 6
            .quad kmain
            .bss
            .p2align 4
            .globl bss_buf
            .type bss_buf, %object
            bss_buf: .zero 64
            .size bss_buf, 64
            """;

    static final String SCRIPT = """
            ENTRY(_start)
            small_abs = 0x1234;
            VA_OFFSET = 0xFFFF000000000000;
            SECTIONS
            {
                . = 0xFFFF000040100000;
                __kernel_start = .;
                .text : AT(0x40100000) { *(.text.boot) *(.text .text.*) }
                .rodata : ALIGN(16) { *(.rodata .rodata.*) }
                .data : AT(ADDR(.data) - VA_OFFSET) ALIGN(4096) { *(.data .data.*) }
                .bss (NOLOAD) : { __bss_start = .; *(.bss .bss.*) . = ALIGN(16); __bss_end = .; }
                __end = .;
                PROVIDE(used_provide = 0x42);
                PROVIDE(unused_provide = 0x43);
                ASSERT(SIZEOF(.text) > 0 && LOADADDR(.data) == ADDR(.data) - VA_OFFSET, "layout")
            }
            """;

    /** A DSL module: a function calling across modules, taking addresses, and data referring to code. */
    static Module dslModule() {
        ModuleBuilder mb = new ModuleBuilder("dsl");
        Section text = mb.section(".text.dsl", Section.Kind.CODE);
        RawAssembler a = new RawAssembler(text);
        Label helper = new Label("helper_dsl").global().function();
        Label dataSym = Label.external("data_sym");
        a.bind(helper);
        a.adrp(x0, dataSym);
        a.add(x0, x0, Lo12.lo12(dataSym));
        a.bl(Label.external("far_func"));
        a.cbz(x0, Label.external("kmain"));
        a.inst(0xf9400000, Label.external("data_x"), 0, RelocKind.LDST64_ABS_LO12_NC); // ldr x0, [x0, #lo12]
        a.ret();
        helper.size(a.position());
        Section data = mb.section(".data.dsl", Section.Kind.DATA);
        a.switchTo(data);
        Label table = new Label("dsl_table").global().object();
        a.bind(table);
        a.quad(helper);
        a.quad(Label.external("kmain"), 4);
        a.wordPcRel(Label.external("data_sym"));
        table.size(a.position());
        return mb.build();
    }

    @Test
    void llvmMcObjectsAndADslModuleLinkTheSameAsWithLld() throws IOException {
        Path a = ExternalTools.assemble(dir, "start.o", START);
        Path b = ExternalTools.assemble(dir, "kmain.o", KMAIN);
        Module dsl = dslModule();
        Path c = dir.resolve("dsl.o");
        Files.write(c, ElfRelocatableWriter.write(dsl));
        Path script = dir.resolve("diff.ld");
        Files.writeString(script, SCRIPT);
        Path lldOut = ExternalTools.lldLink(dir, script, List.of(a, b, c), "lld.elf");

        LinkedImage ours = new Linker(Parser.parse(script)).link("ours",
                List.of(ElfObjectReader.read(a), ElfObjectReader.read(b), dsl));
        compare(ours, ElfFile.parse("lld.elf", Files.readAllBytes(lldOut)));
        Differential.compare(ours, Files.readAllBytes(lldOut), Differential.Check.LOAD_IMAGE, Differential.Ref.LLD);
        alsoGnu(ours, script, List.of(a, b, c));
        assertEquals(List.of(".text", ".rodata", ".data", ".bss"), ours.sections().stream().map(OutputSection::name).toList());
        assertEquals(0x42, ours.symbolValue("used_provide"));
        assertTrue(ours.symbol("unused_provide").isEmpty(), "an unreferenced PROVIDE defines nothing");
        assertEquals(0x40100000L, ours.section(".text").orElseThrow().lma());
        assertEquals(0xffff000040100000L, ours.section(".text").orElseThrow().vma());

        // our own ELF executable, read back, agrees too
        ElfFile mine = ElfFile.parse("ours.elf", ElfExecutableWriter.write(ours));
        compare(ours, mine);
    }

    @Test
    void dslModuleReadBackFromItsObjectLinksTheSame() throws IOException {
        Path a = ExternalTools.assemble(dir, "start.o", START);
        Path b = ExternalTools.assemble(dir, "kmain.o", KMAIN);
        Module dsl = dslModule();
        Module reread = ElfObjectReader.read("dsl.o", ElfRelocatableWriter.write(dsl));
        LinkedImage direct = new Linker(Parser.parse("diff.ld", SCRIPT)).link("x",
                List.of(ElfObjectReader.read(a), ElfObjectReader.read(b), dsl));
        LinkedImage viaElf = new Linker(Parser.parse("diff.ld", SCRIPT)).link("x",
                List.of(ElfObjectReader.read(a), ElfObjectReader.read(b), reread));
        assertEquals(direct.sections().size(), viaElf.sections().size());
        for (int i = 0; i < direct.sections().size(); i++)
            assertArrayEquals(direct.sections().get(i).bytes(), viaElf.sections().get(i).bytes());
    }

    @Test
    void identityMappedBootStageLinksTheSame() throws IOException {
        Path a = ExternalTools.assemble(dir, "boot.o", """
                .section .text.boot, "ax"
                .globl _start
                _start:
                    adrp x0, __kernel_phys_base
                    add x0, x0, :lo12:__kernel_phys_base
                    ldr x1, =__kernel_entry
                    movz x2, #:abs_g1:__kernel_image_size
                    movk x2, #:abs_g0_nc:__kernel_image_size
                    adr x3, boot_stack_top
                    mov sp, x3
                    br x1
                .ltorg
                .bss
                .p2align 4
                boot_stack: .zero 4096
                .globl boot_stack_top
                boot_stack_top:
                """);
        Path script = Path.of(System.getProperty("capaz.root", "..")).resolve("linkscripts/boot.ld");
        assumeTrue(Files.exists(script), "linkscripts/boot.ld");
        Map<String, Long> defs = Map.of("__kernel_phys_base", 0x40100000L, "__kernel_virt_base",
                0xffff000040100000L, "__kernel_entry", 0xffff000040100040L, "__kernel_image_size", 0x5000L,
                "__kernel_runtime_end_phys", 0x40110000L);
        List<String> extra = new ArrayList<>();
        for (Map.Entry<String, Long> d : new TreeMap<>(defs).entrySet())
            extra.add("--defsym=" + d.getKey() + "=0x" + Long.toHexString(d.getValue()));
        Path lldOut = ExternalTools.lldLink(dir, script, List.of(a), "boot-lld.elf", extra.toArray(String[]::new));
        LinkedImage ours = new Linker(Parser.parse(script)).defsyms(defs).link("boot", List.of(ElfObjectReader.read(a)));
        compare(ours, ElfFile.parse("boot-lld.elf", Files.readAllBytes(lldOut)));
        Differential.compare(ours, Files.readAllBytes(lldOut), Differential.Check.LOAD_IMAGE, Differential.Ref.LLD);
        alsoGnu(ours, script, List.of(a), extra.toArray(String[]::new));
    }

    @Test
    void theKernelScriptLinksTheSame() throws IOException {
        Path script = Path.of(System.getProperty("capaz.root", "..")).resolve("linkscripts/kernel.ld");
        assumeTrue(Files.exists(script), "linkscripts/kernel.ld");
        Path a = ExternalTools.assemble(dir, "kcrt0.o", """
                .section .text.entry, "ax"
                .globl _kcrt0
                _kcrt0:
                    adrp x0, __bss_start
                    add x0, x0, :lo12:__bss_start
                    ldr x1, =__bss_end
                    ldr x2, =__kernel_phys_end
                    bl kmain
                    b .
                .ltorg
                .text
                .globl kmain
                kmain:
                    adrp x0, banner
                    ret
                .section .rodata, "a"
                banner: .asciz "kernel"
                .data
                .p2align 3
                .quad kmain
                .bss
                .p2align 4
                .zero 8192
                """);
        Path local = dir.resolve("kernel.ld");
        Files.copy(script, local);
        Path lldOut = ExternalTools.lldLink(dir, local, List.of(a), "kernel-lld.elf");
        LinkedImage ours = new Linker(Parser.parse(local)).link("kernel", List.of(ElfObjectReader.read(a)));
        compare(ours, ElfFile.parse("kernel-lld.elf", Files.readAllBytes(lldOut)));
        Differential.compare(ours, Files.readAllBytes(lldOut), Differential.Check.LOAD_IMAGE, Differential.Ref.LLD);
        alsoGnu(ours, local, List.of(a));
    }

    @Test
    void memoryRegionsAndExpressionsLayOutTheSame() throws IOException {
        Path a = ExternalTools.assemble(dir, "start.o", START);
        Path b = ExternalTools.assemble(dir, "kmain.o", KMAIN);
        Module dsl = dslModule();
        Path c = dir.resolve("dsl.o");
        Files.write(c, ElfRelocatableWriter.write(dsl));
        String script = """
                /* ROM holds the load image, RAM the run-time copy */
                MEMORY
                {
                    ROM (rx) : ORIGIN = 0x40000000, LENGTH = 512K
                    RAM (rwx) : ORIGIN = 0x40080000, LENGTH = 0x80000
                }
                ENTRY(_start)
                small_abs = MAX(0x1000, 0x1234) - MIN(0, 1);
                SECTIONS
                {
                    .text : { *(.text.boot) . = ALIGN(64); *(.text*) } > ROM
                    .rodata : { *(.rodata) } > ROM
                    __data_load = LOADADDR(.data);
                    .data : ALIGN(32) { __data_start = .; *(.data*) . += 0x10; __data_end = .; } > RAM AT> ROM
                    .bss (NOLOAD) : { __bss_start = ABSOLUTE(.); *(.bss) . = . + 0x100; __bss_end = .; } > RAM AT> RAM
                    __end = (. + 0xfff) & ~0xfff;
                    used_provide = DEFINED(kmain) ? SIZEOF(.text) + SIZEOF(.rodata) : 0;
                    __room = ORIGIN(RAM) + LENGTH(RAM) - __end;
                    checks = (1 << 4 | 3) + (0x100 >> 4) % 5 * 2 - (__end > 0x40080000) + !(1 == 2) + (3 != 3)
                        + (2 <= 2) + (1 >= 2) + (1 < 2 && 2 > 1 || 0) + 7 / 2;
                    ASSERT(__end <= ORIGIN(RAM) + LENGTH(RAM), "RAM overflow")
                }
                """;
        Path ld = dir.resolve("mem.ld");
        Files.writeString(ld, script);
        Path lldOut = ExternalTools.lldLink(dir, ld, List.of(a, b, c), "lld-mem.elf");
        LinkedImage ours = new Linker(Parser.parse(ld)).link("ours",
                List.of(ElfObjectReader.read(a), ElfObjectReader.read(b), dsl));
        compare(ours, ElfFile.parse("lld-mem.elf", Files.readAllBytes(lldOut)));
        Differential.compare(ours, Files.readAllBytes(lldOut), Differential.Check.LOAD_IMAGE, Differential.Ref.LLD);
        alsoGnu(ours, ld, List.of(a, b, c));
        OutputSection data = ours.section(".data").orElseThrow();
        assertEquals(0x40080000L, data.vma());
        assertEquals(ours.section(".rodata").orElseThrow().lmaEnd() + 31 & -32L, data.lma());
    }

    @Test
    void bothLinkersRefuseTheSameOverflow() throws IOException {
        Path o = ExternalTools.assemble(dir, "far.o", """
                .text
                .globl _start
                _start:
                    adr x0, far_data
                .data
                .globl far_data
                far_data: .quad 0
                """);
        Path script = dir.resolve("far.ld");
        Files.writeString(script, "SECTIONS { .text 0x40000000 : { *(.text) } .data 0x40100000 : { *(.data) } }");
        List<String> cmd = List.of(ExternalTools.lld().get().toString(), "--no-relax", "-T", script.toString(), "-o",
                dir.resolve("far.elf").toString(), o.toString());
        ExternalTools.Run lld = ExternalTools.run(dir, cmd);
        assertNotEquals(0, lld.exit());
        assertTrue(lld.err().contains("R_AARCH64_ADR_PREL_LO21 out of range"), lld.err());
        org.capazos.imagegen.LinkException e = assertThrows(org.capazos.imagegen.LinkException.class,
                () -> new Linker(Parser.parse(script)).link("far", List.of(ElfObjectReader.read(o))));
        assertEquals("far.o:.text+0x0: R_AARCH64_ADR_PREL_LO21 relocation against symbol 'far_data' (S+A = 0x40100000,"
                + " P = 0x40000000) does not fit: distance 1048576 (0x100000) is out of range: must be within "
                + "-1048576..1048575", e.getMessage());
    }

    /** Every loaded section: same address, load address, size and bytes; every named symbol: same value. */
    static void compare(LinkedImage ours, ElfFile theirs) {
        for (OutputSection s : ours.sections()) {
            ElfFile.SectionHeader h = theirs.section(s.name()).orElseThrow(() ->
                    new AssertionError(theirs.name() + " has no section " + s.name()));
            assertEquals(hex(s.vma()), hex(h.addr()), s.name() + " address");
            assertEquals(hex(s.size()), hex(h.size()), s.name() + " size");
            assertEquals(s.nobits(), h.type() == Elf.SHT_NOBITS, s.name() + " nobits");
            assertEquals(hex(s.lma()), hex(loadAddress(theirs, h)), s.name() + " load address");
            if (!s.nobits()) assertArrayEquals(theirs.bytes(h), s.bytes(), s.name() + " bytes");
        }
        for (ElfFile.SectionHeader h : theirs.sections())
            if (h.isAlloc() && h.size() > 0)
                assertTrue(ours.section(h.name()).isPresent(), "we lack section " + h.name());
        Map<String, Long> theirGlobals = new TreeMap<>();
        TreeSet<String> theirLocals = new TreeSet<>();
        for (ElfFile.Symbol y : theirs.symbols()) {
            if (y.name().isEmpty() || y.name().startsWith("$") || y.type() == Elf.STT_SECTION
                    || y.type() == Elf.STT_FILE) continue;
            if (y.bind() == Elf.STB_LOCAL) theirLocals.add(y.name() + "=" + hex(y.value()));
            else theirGlobals.put(y.name(), y.value());
        }
        Map<String, Long> ourGlobals = new TreeMap<>();
        TreeSet<String> ourLocals = new TreeSet<>();
        for (LinkedSymbol y : ours.symbols()) {
            if (y.isGlobal()) ourGlobals.put(y.name(), y.value());
            else ourLocals.add(y.name() + "=" + hex(y.value()));
        }
        assertEquals(hexValues(theirGlobals), hexValues(ourGlobals), "global symbols");
        assertEquals(theirLocals, ourLocals, "local symbols");
        assertEquals(hex(theirs.header().entry()), hex(ours.entry()), "entry");
    }

    private static long loadAddress(ElfFile f, ElfFile.SectionHeader h) {
        for (ElfFile.ProgramHeader p : f.programHeaders()) {
            if (p.type() != Elf.PT_LOAD) continue;
            if (h.addr() >= p.vaddr() && h.addr() < p.vaddr() + Math.max(p.memsz(), 1))
                return p.paddr() + (h.addr() - p.vaddr());
        }
        throw new AssertionError(f.name() + ": no PT_LOAD holds " + h.name());
    }

    private static Map<String, String> hexValues(Map<String, Long> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, hex(v)));
        return out;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
