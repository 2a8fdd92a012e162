package org.capazos.imagegen.elf;

import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.OutputSection;
import org.capazos.imagegen.link.Segment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.capazos.imagegen.elf.Differential.Check.FULL;
import static org.capazos.imagegen.elf.Differential.Check.LOAD_IMAGE;
import static org.capazos.imagegen.elf.Differential.Check.SECTIONS;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every link-script construct, linked by our linker, ld.lld-14 {@code --no-relax} and GNU ld from the same
 * llvm-mc objects, compared with {@link Differential}. Where GNU ld and ld.lld give different results the test
 * says so and compares with ld.lld only on what they agree on.
 */
class ScriptConstructsDiffTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        Differential.requireLlvm();
    }

    Path asm(String name, String source) throws IOException {
        return ExternalTools.assemble(dir, name, source);
    }

    Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static final String BOOT = """
            .section .text.boot, "ax"
            .globl _start
            _start:
                adrp x0, __bss_start
                add x0, x0, :lo12:__bss_start
                ldr x1, =__bss_end
                bl kmain
                b .
            .ltorg
            .section .rodata.boot, "a"
            .p2align 3
            boot_table: .quad _start, kmain, __end
            .data
            .p2align 3
            .globl boot_flag
            boot_flag: .quad 1
            .bss
            .p2align 4
            .globl boot_stack
            boot_stack: .zero 256
            """;

    static final String KMAIN = """
            .text
            .globl kmain
            .type kmain, %function
            kmain:
                adrp x0, message
                add x0, x0, :lo12:message
                bl helper
                ret
            .size kmain, . - kmain
            helper:
                mov x0, #1
                ret
            .section .rodata, "a"
            message: .asciz "hello"
            .data
            .p2align 2
            counter: .word 7
            .bss
            .p2align 3
            .globl kstack
            kstack: .zero 100
            """;

    List<Path> twoObjects() throws IOException {
        return List.of(asm("boot.o", BOOT), asm("kmain.o", KMAIN));
    }

    // ---- /DISCARD/ ------------------------------------------------------------------------------------------

    @Test
    void discardRemovesSectionsAndRefusesReferencesIntoThem() throws IOException {
        Path extra = asm("extra.o", """
                .section .discard.x, "aw"
                .quad 1
                .section .exit.text, "ax"
                ret
                .section .comment, "MS", @progbits, 1
                .asciz "compiler"
                """);
        List<Path> objs = List.of(asm("boot.o", BOOT), asm("kmain.o", KMAIN), extra);
        Path s = script("discard.ld", """
                ENTRY(_start)
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text.boot) *(.text) }
                    .rodata : { *(.rodata .rodata.*) }
                    .data : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                    /DISCARD/ : { *(.discard) *(.discard.*) *(.exit.text) *(.comment) }
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertTrue(img.section(".discard.x").isEmpty() && img.section(".exit.text").isEmpty());

        Path user = asm("user.o", """
                .text
                .globl uses_exit
                uses_exit: bl exit_fn
                .section .exit.text, "ax"
                .globl exit_fn
                exit_fn: ret
                """);
        List<Path> bad = List.of(asm("boot.o", BOOT), asm("kmain.o", KMAIN), user);
        LinkException e = assertThrows(LinkException.class, () -> Differential.ours(s, Differential.read(bad)));
        assertTrue(e.getMessage().contains("which /DISCARD/ removed"), e.getMessage());
        // ld.lld 14 links this without a word (the call goes to 0); GNU ld refuses it, as we do
        if (Differential.haveGnu())
            assertTrue(Differential.linkFails(Differential.Ref.GNU, dir, s, bad).contains("discarded section"));
    }

    // ---- NOLOAD ---------------------------------------------------------------------------------------------

    @Test
    void noloadSectionsTakeMemoryButNoFileBytes() throws IOException {
        Path persist = asm("persist.o", """
                .section .persist, "aw"
                .p2align 3
                .globl persist_word
                persist_word: .quad 0x1122334455667788
                """);
        List<Path> objs = List.of(asm("boot.o", BOOT), asm("kmain.o", KMAIN), persist);
        Path s = script("noload.ld", """
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text.boot) *(.text) }
                    .rodata : { *(.rodata*) }
                    .data : { *(.data) }
                    .bss (NOLOAD) : ALIGN(16) { __bss_start = .; *(.bss) . = ALIGN(16); __bss_end = .; }
                    .persist (NOLOAD) : { *(.persist) }
                    .stack (NOLOAD) : ALIGN(4K) { stack_bottom = .; . += 0x4000; stack_top = .; }
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        for (String n : List.of(".bss", ".persist", ".stack")) assertTrue(img.section(n).orElseThrow().nobits(), n);
        assertEquals(0x4000, img.symbolValue("stack_top") - img.symbolValue("stack_bottom"));
    }

    // ---- default program headers (no PHDRS) -----------------------------------------------------------------

    @Test
    void withoutPhdrsSegmentsAreLaidOutAsGnuLdDoes() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("segs.ld", """
                SECTIONS {
                    .text 0x400000 : { *(.text.boot) *(.text) }
                    .rodata : { *(.rodata*) }
                    .data 0x420000 : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    .tail 0x440100 : { LONG(1) }
                    .far 0x480000 : { QUAD(2) }
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertEquals(4, img.segments().size(), img.segments().toString());
        assertEquals(List.of(".text", ".rodata"), img.segments().get(0).sections());
        assertEquals(List.of(".data", ".bss"), img.segments().get(1).sections());
    }

    @Test
    void headersGoInTheFirstSegmentWhenThereIsRoomOrSizeofHeadersIsUsed() throws IOException {
        List<Path> objs = twoObjects();
        Path room = script("room.ld", """
                SECTIONS {
                    .text 0x400100 : { *(.text.boot) *(.text) }
                    .rodata : { *(.rodata*) }
                    .data 0x410000 : AT(0x500000) { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, room, objs, LOAD_IMAGE, FULL);
        assertTrue(img.segments().get(0).holdsHeaders());
        assertEquals(0x400000L, img.segments().get(0).vaddr());

        Path sizeof = script("sizeof.ld", """
                SECTIONS {
                    . = 0x400000 + SIZEOF_HEADERS;
                    headers_size = SIZEOF_HEADERS;
                    .text : { *(.text.boot) *(.text) }
                    .rodata : { *(.rodata*) }
                    .data 0x420000 : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                }
                """);
        // ld.lld counts its own program headers for SIZEOF_HEADERS (7 here, GNU ld 2): sections only where they agree
        LinkedImage s2 = Differential.check(dir, sizeof, objs, null, FULL);
        assertEquals(64 + 2 * 56, s2.symbolValue("headers_size"));
    }

    // ---- PHDRS ----------------------------------------------------------------------------------------------

    @Test
    void phdrsLayOutTheSegmentsTheScriptNames() throws IOException {
        Path note = asm("note.o", """
                .section .note.build, "a", %note
                .p2align 2
                .word 4, 4, 1
                .asciz "GNU"
                .word 0x12345678
                """);
        List<Path> objs = List.of(asm("boot.o", BOOT), asm("kmain.o", KMAIN), note);
        Path s = script("phdrs.ld", """
                PHDRS {
                    text PT_LOAD FLAGS(5);
                    rodata PT_LOAD FLAGS(4);
                    data PT_LOAD;
                    note PT_NOTE;
                    stack PT_GNU_STACK FLAGS(6);
                }
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text.boot) *(.text) } :text
                    . = ALIGN(0x10000);
                    .rodata : { *(.rodata*) } :rodata
                    .notes : { *(.note.*) } :rodata :note
                    . = ALIGN(0x10000);
                    .data : { *(.data) } :data
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, FULL, FULL);
        assertEquals(5, img.segments().size());
        assertEquals(Segment.R | Segment.X, img.segments().get(0).flags());
        assertEquals(List.of(".rodata", ".notes"), img.segments().get(1).sections());
        assertEquals(List.of(".notes"), img.segments().get(3).sections());
    }

    @Test
    void phdrsWithFileAndProgramHeadersAndSizeofHeaders() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("hdrs.ld", """
                PHDRS {
                    headers PT_PHDR PHDRS;
                    text PT_LOAD FILEHDR PHDRS;
                    data PT_LOAD;
                }
                SECTIONS {
                    . = 0x400000 + SIZEOF_HEADERS;
                    .text : { *(.text.boot) *(.text) } :text
                    .rodata : { *(.rodata*) }
                    .data 0x420000 : { *(.data) } :data
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                    headers_size = SIZEOF_HEADERS;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, FULL, FULL);
        assertEquals(64 + 3 * 56, img.symbolValue("headers_size"));
        assertEquals(0x400000L, img.segments().get(1).vaddr());
    }

    @Test
    void phdrsNoneAndNoloadSectionsStayOutOfSegments() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("none.ld", """
                PHDRS { text PT_LOAD; data PT_LOAD; }
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text.boot) *(.text) } :text
                    .rodata : { *(.rodata*) }
                    .data : { *(.data) } :data
                    .bss (NOLOAD) : { __bss_start = .; *(.bss) __bss_end = .; } :data
                    .scratch (NOLOAD) : { . += 64; }
                    __end = .;
                }
                """);
        // ld.lld puts a NOLOAD section without :phdr in the previous section's segment; GNU ld in none
        LinkedImage img = Differential.check(dir, s, objs, SECTIONS, FULL);
        assertFalse(img.segments().stream().anyMatch(g -> g.sections().contains(".scratch")));
    }

    // ---- MEMORY -----------------------------------------------------------------------------------------------

    @Test
    void memoryRegionsWithRegionsAliasesAttributesAndLoadRegions() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("memory.ld", """
                MEMORY {
                    FLASH (rx) : ORIGIN = 0x00000000, LENGTH = 1M
                    RAM (rwx) : ORIGIN = 0x40000000, LENGTH = 256K
                }
                REGION_ALIAS("REGION_TEXT", FLASH);
                ENTRY(_start)
                SECTIONS {
                    .text : { *(.text.boot) *(.text) } > REGION_TEXT
                    .rodata : { *(.rodata*) }
                    .data : ALIGN(8) { __data_start = .; *(.data) __data_end = .; } > RAM AT> FLASH
                    __data_load = LOADADDR(.data);
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; } > RAM AT> RAM
                    __end = .;
                    __flash_left = ORIGIN(FLASH) + LENGTH(FLASH) - LOADADDR(.data) - SIZEOF(.data);
                    __heap_limit = MIN(ORIGIN(RAM) + LENGTH(RAM), MAX(__end, 0x40001000));
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertEquals(0, img.section(".text").orElseThrow().vma());
        assertEquals(img.section(".text").orElseThrow().vmaEnd(), img.section(".rodata").orElseThrow().vma(),
                ".rodata goes to FLASH by its attributes");
        assertEquals(0x40000000L, img.section(".data").orElseThrow().vma());
    }

    @Test
    void loadRegionsFollowGnuLd() throws IOException {
        assumeTrue(Differential.haveGnu(), "GNU ld");
        Path objs = asm("d.o", """
                .text
                .globl _start
                _start: .byte 1, 2, 3
                .data
                .p2align 3
                .quad 5
                .section .data2, "aw"
                .p2align 4
                .quad 6
                """);
        Path s = script("lma.ld", """
                MEMORY { ROM (rx) : ORIGIN = 0x10000, LENGTH = 64K
                         RAM (rwx) : ORIGIN = 0x80000, LENGTH = 64K }
                SECTIONS {
                    .text : { *(.text) } > ROM
                    .data : { *(.data) } > RAM AT> ROM
                    .data2 : { *(.data2) } > RAM AT> ROM
                    .bss (NOLOAD) : { . += 5; } > RAM AT> ROM
                    .more : { LONG(1) } > RAM AT> ROM
                    .after : { LONG(3) } > RAM
                    .tail : { LONG(2) } > ROM
                }
                """);
        // GNU ld aligns an AT> load address only by the section's ALIGN() and does not advance the load region
        // for NOLOAD sections; ld.lld does both differently
        LinkedImage img = Differential.check(dir, s, List.of(objs), null, FULL);
        assertEquals(0x10003L, img.section(".data").orElseThrow().lma());
        assertEquals(img.section(".bss").orElseThrow().lma(), img.section(".more").orElseThrow().lma());
        assertEquals(img.section(".more").orElseThrow().lmaEnd(), img.section(".after").orElseThrow().lma(),
                ".after inherits AT> ROM from the section before it in RAM");
    }

    @Test
    void aLoadableSectionWithoutARegionIsAnErrorWhenRegionsExist() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("noregion.ld", """
                MEMORY { ROM (rx) : ORIGIN = 0, LENGTH = 1M }
                SECTIONS { .text : { *(.text*) } .data : { *(.data) } }
                """);
        LinkException e = assertThrows(LinkException.class, () -> Differential.ours(s, Differential.read(objs)));
        assertTrue(e.getMessage().startsWith("noregion.ld:2:34: no memory region specified for loadable section .data")
                || e.getMessage().contains("no memory region specified for loadable section .data"), e.getMessage());
        if (Differential.haveGnu()) assertTrue(Differential.linkFails(Differential.Ref.GNU, dir, s, objs)
                .contains("no memory region specified for loadable section `.data'"));
    }

    // ---- SORT -------------------------------------------------------------------------------------------------

    static final String SORTS_A = """
            .section .text.b, "ax"
            .p2align 2
            .globl _start
            _start: nop
            .section .text.a, "ax"
            .p2align 4
            nop
            .section .text.c, "ax"
            .p2align 3
            nop
            .section .rodata.x, "a"
            .p2align 1
            .byte 1
            .section .rodata.y, "a"
            .p2align 3
            .byte 2
            .section .data.b, "aw"
            .p2align 2
            .byte 3
            .section .data.a, "aw"
            .p2align 0
            .byte 4
            .section .sdata.a, "aw"
            .p2align 0
            .byte 5
            .section .sdata.b, "aw"
            .p2align 3
            .byte 6
            .section .fs, "a"
            .byte 0xaa
            .section .init_array.00300, "aw"
            .quad 3
            .section .init_array.100, "aw"
            .quad 1
            .section .init_array, "aw"
            .quad 9
            """;

    static final String SORTS_B = """
            .section .text.a, "ax"
            .p2align 2
            nop
            .section .rodata.z, "a"
            .p2align 3
            .byte 7
            .section .fs, "a"
            .byte 0xbb
            .section .init_array.00200, "aw"
            .quad 2
            """;

    @Test
    void sortByNameAlignmentInitPriorityAndFiles() throws IOException {
        List<Path> objs = List.of(asm("z.o", SORTS_A), asm("a.o", SORTS_B));
        Path s = script("sort.ld", """
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(SORT_BY_NAME(.text.*)) }
                    .rodata : { *(SORT_BY_ALIGNMENT(.rodata.*)) }
                    .data : { *(SORT_BY_NAME(SORT_BY_ALIGNMENT(.data.*))) *(SORT_BY_ALIGNMENT(SORT_BY_NAME(.sdata.*))) }
                    .fs : { *(.fs) }
                    .init_array : {
                        __init_array_start = .;
                        KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*)))
                        KEEP(*(.init_array))
                        __init_array_end = .;
                    }
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertEquals(List.of("z.o(.text.a)", "a.o(.text.a)", "z.o(.text.b)", "z.o(.text.c)", "z.o(.text)", "a.o(.text)"),
                pieces(img, ".text"), "the orphan .text sections (empty) join .text at its end");
        assertEquals(List.of("z.o(.rodata.y)", "a.o(.rodata.z)", "z.o(.rodata.x)"), pieces(img, ".rodata"));
        assertEquals(List.of("z.o(.init_array.100)", "a.o(.init_array.00200)", "z.o(.init_array.00300)",
                "z.o(.init_array)"), pieces(img, ".init_array"));
    }

    @Test
    void sortTiesAndMixedPatternsFollowGnuLdsTree() throws IOException {
        assumeTrue(Differential.haveGnu(), "GNU ld");
        Path a = asm("ip.o", """
                .section .init_array, "aw"
                .byte 1
                .section .init_array.00200, "aw"
                .byte 2
                .section .init_array.100, "aw"
                .byte 3
                .section .init_array.foo, "aw"
                .byte 4
                .section .init_array.65535, "aw"
                .byte 5
                .section .init_array.0, "aw"
                .byte 6
                .section .init_array.1.x, "aw"
                .byte 7
                .section .ctors, "aw"
                .byte 1
                .section .ctors.00200, "aw"
                .byte 2
                .section .ctors.65000, "aw"
                .byte 3
                .section .ctors.x, "aw"
                .byte 4
                .section .m.b, "a"
                .byte 0xb
                .section .m.a, "a"
                .byte 0xa
                .section .m.c, "a"
                .byte 0xc
                .section .fs, "a"
                .byte 0xfa
                .text
                .globl _start
                _start: nop
                """);
        Path s = script("ip.ld", """
                SECTIONS {
                    .text 0x1000 : { *(.text) }
                    .ia : { KEEP(*(SORT_BY_INIT_PRIORITY(.init_array*))) }
                    .ct : { KEEP(*(SORT_BY_INIT_PRIORITY(.ctors*))) }
                    .mixed : { *(.m.b SORT(.m.*)) }
                    .fs : { SORT(*)(.fs) }
                }
                """);
        // ld.lld orders these differently (unnumbered names last, mixed patterns by pattern)
        Path b = asm("b.o", ".section .fs, \"a\"\n.byte 0xfb\n");
        Path z = asm("z.o", ".section .fs, \"a\"\n.byte 0xfc\n");
        LinkedImage img = Differential.check(dir, s, List.of(z, a, b), null, FULL);
        assertArrayEquals(new byte[] {1, 6, 3, 2, 7, 5, 4}, img.section(".ia").orElseThrow().bytes());
        assertArrayEquals(new byte[] {1, 3, 2, 4}, img.section(".ct").orElseThrow().bytes());
        assertArrayEquals(new byte[] {0xa, 0xb, 0xc}, img.section(".mixed").orElseThrow().bytes());
        assertEquals(List.of("b.o(.fs)", "ip.o(.fs)", "z.o(.fs)"), pieces(img, ".fs"), "SORT(*): files by name");
    }

    static List<String> pieces(LinkedImage img, String section) {
        return img.section(section).orElseThrow().inputs().stream().map(p -> p.module() + "(" + p.section() + ")")
                .toList();
    }

    // ---- INCLUDE, OUTPUT_FORMAT, OUTPUT_ARCH, TARGET, SEARCH_DIR ----------------------------------------------

    @Test
    void includeAndTheFormatCommands() throws IOException {
        List<Path> objs = twoObjects();
        Files.createDirectories(dir.resolve("ld"));
        script("ld/regions.ld", "RAM (rwx) : ORIGIN = 0x40000000, LENGTH = 16M\n");
        script("ld/symbols.ld", "STACK_SIZE = 0x2000;\nPROVIDE(__stack_guard = 0xdead);\n");
        script("ld/rodata.ld", ".rodata : { *(.rodata .rodata.*) } > RAM\n");
        script("ld/bss-body.ld", "__bss_start = .;\n*(.bss .bss.*)\n. = ALIGN(16);\n__bss_end = .;\n");
        Path s = script("main.ld", """
                OUTPUT_FORMAT("elf64-littleaarch64", "elf64-bigaarch64", "elf64-littleaarch64")
                OUTPUT_ARCH(aarch64)
                TARGET(elf64-littleaarch64)
                SEARCH_DIR(ld)
                ENTRY(_start)
                MEMORY { INCLUDE ld/regions.ld }
                INCLUDE ld/symbols.ld
                SECTIONS {
                    .text : { *(.text.boot) *(.text) } > RAM
                    INCLUDE ld/rodata.ld
                    .data : { *(.data) } > RAM
                    .bss : { INCLUDE ld/bss-body.ld } > RAM
                    .stack (NOLOAD) : ALIGN(16) { . += STACK_SIZE; __stack_top = .; } > RAM
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertEquals(0x2000, img.symbolValue("__stack_top") - img.section(".stack").orElseThrow().vma());
    }

    // ---- FILL and =fill ---------------------------------------------------------------------------------------

    static final String GAPS = """
            .section .text.a, "ax"
            .globl _start
            _start: .byte 1, 2
            .section .text.b, "ax"
            .p2align 3
            .byte 3
            .section .text.c, "ax"
            .p2align 2
            .byte 4
            """;

    @Test
    void fillPatternsFillTheGapsInSections() throws IOException {
        List<Path> objs = List.of(asm("g.o", GAPS), asm("h.o", GAPS.replace("_start", "_other")));
        Path s = script("fill.ld", """
                SECTIONS {
                    .t1 0x1000 : { g.o(.text.a) g.o(.text.b) . = ALIGN(16); g.o(.text.c) . += 3; } =0x11223344
                    .t2 0x2000 : { FILL(0xd503201f); h.o(.text.a) h.o(.text.b) h.o(.text.c) . = ALIGN(8); }
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertArrayEquals(new byte[] {1, 2, 0x11, 0x22, 0x33, 0x44, 0x11, 0x22, 3, 0x11, 0x22, 0x33, 0x44, 0x11, 0x22,
                0x33, 4, 0x11, 0x22, 0x33}, img.section(".t1").orElseThrow().bytes());
    }

    @Test
    void fillPatternsAsGnuLdReadsThem() throws IOException {
        assumeTrue(Differential.haveGnu(), "GNU ld");
        String[] copies = {"c1.o", "c2.o", "c3.o", "c4.o"};
        List<Path> objs = new java.util.ArrayList<>();
        for (String c : copies) objs.add(asm(c, GAPS.replace("_start", c.substring(0, 2) + "_start")));
        Path s = script("gnufill.ld", """
                ENTRY(c1_start)
                SECTIONS {
                    .t1 0x1000 : { c1.o(.text.a) c1.o(.text.b) . = ALIGN(8); c1.o(.text.c) . += 3; } =0x90
                    .t2 0x2000 : { c2.o(.text.a) FILL(0xaabbccdd) c2.o(.text.b) c2.o(.text.c) . += 3; } =0x11223344
                    .t3 0x3000 : { c3.o(.text.a) c3.o(.text.b) c3.o(.text.c) . += 3; } =0x11223344aabb
                    .t4 0x4000 : { c4.o(.text.a) c4.o(.text.b) c4.o(.text.c) . += 3; } =144
                }
                """);
        // ld.lld reads =0x90 as 00 00 00 90, applies FILL to the whole section and refuses patterns over 4 bytes
        LinkedImage img = Differential.check(dir, s, objs, null, FULL);
        byte n = (byte) 0x90;
        assertArrayEquals(new byte[] {1, 2, n, n, n, n, n, n, 3, n, n, n, n, n, n, n, 4, n, n, n},
                img.section(".t1").orElseThrow().bytes(), "a 0x literal is a pattern of its own length");
        assertArrayEquals(new byte[] {1, 2, 0, 0, 0, (byte) 0x90, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0},
                img.section(".t4").orElseThrow().bytes(), "other expressions are 4 bytes, big-endian");
    }

    // ---- COMMON ---------------------------------------------------------------------------------------------

    @Test
    void commonSymbolsGoWhereCommonIsWritten() throws IOException {
        Path a = asm("c1.o", """
                .text
                .globl _start
                _start:
                    adrp x0, shared
                    ldr x1, [x0, :lo12:shared]
                    adrp x2, defined_elsewhere
                .comm shared, 24, 8
                .comm defined_elsewhere, 4, 4
                """);
        Path b = asm("c2.o", """
                .comm other, 16, 16
                .data
                .globl defined_elsewhere
                defined_elsewhere: .word 5
                """);
        Path s = script("common.ld", """
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text) }
                    .data : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) *(COMMON) __bss_end = .; }
                }
                """);
        LinkedImage img = Differential.check(dir, s, List.of(a, b), LOAD_IMAGE, FULL);
        assertEquals(List.of("c1.o(COMMON)", "c2.o(COMMON)"), pieces(img, ".bss"));
        assertEquals(img.section(".data").orElseThrow().vma(), img.symbolValue("defined_elsewhere"),
                "a definition wins over a common symbol");
    }

    @Test
    void commonSymbolsInGnuLdsOrderMergedAndWithoutCommonInTheScript() throws IOException {
        assumeTrue(Differential.haveGnu(), "GNU ld");
        Path a = asm("cm.o", """
                .text
                .globl _start
                _start: nop
                .comm zeta, 4, 4
                .comm alpha, 8, 8
                .comm mid, 2, 2
                .comm big, 16, 16
                """);
        Path b = asm("cm2.o", """
                .comm alpha, 16, 4
                .comm other, 4, 4
                """);
        Path s = script("gnucommon.ld", """
                SECTIONS { . = 0x10000; .text : { *(.text) } .bss : { *(.bss) *(COMMON) } }
                """);
        // ld.lld places commons in the order it first saw them (zeta, alpha, mid, big, other); GNU ld walks its
        // symbol hash table, and the largest of several commons decides which object's COMMON holds it
        LinkedImage img = Differential.check(dir, s, List.of(a, b), null, FULL);
        assertEquals(0x10010, img.symbolValue("big"));
        assertEquals(16, img.symbol("alpha").orElseThrow().size());
        Path orphan = script("orphancommon.ld", "SECTIONS { . = 0x10000; .text : { *(.text) } }\n");
        LinkedImage o = Differential.check(dir, orphan, List.of(a, b), null, FULL);
        assertTrue(o.section(".bss").isPresent(), "commons without *(COMMON) go to .bss, as in GNU ld");
    }

    // ---- data commands, CONSTRUCTORS, constructor tables ----------------------------------------------------

    @Test
    void dataCommandsAndConstructorTables() throws IOException {
        Path ctors = asm("ctors.o", """
                .section .init_array.00100, "aw"
                .quad ctor_a
                .section .init_array, "aw"
                .quad ctor_b
                .section .ctors.00200, "aw"
                .quad ctor_a
                .section .ctors, "aw"
                .quad ctor_b
                .section .fini_array, "aw"
                .quad ctor_b
                .text
                .globl ctor_a, ctor_b
                ctor_a: ret
                ctor_b: ret
                """);
        List<Path> objs = List.of(asm("boot.o", BOOT), asm("kmain.o", KMAIN), ctors);
        Path s = script("ctors.ld", """
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text.boot) *(.text) }
                    .rodata : { *(.rodata*) }
                    .init_array : {
                        PROVIDE_HIDDEN(__init_array_start = .);
                        KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*) SORT_BY_INIT_PRIORITY(.ctors.*)))
                        KEEP(*(.init_array .ctors))
                        PROVIDE_HIDDEN(__init_array_end = .);
                    }
                    .fini_array : { __fini_array_start = .; KEEP(*(.fini_array)) __fini_array_end = .; }
                    .ctors : { QUAD(-1) CONSTRUCTORS QUAD(0) }
                    .table : {
                        BYTE(0x12) SHORT(0x3456) LONG(__end - 0x40080000) QUAD(kmain)
                        . = ALIGN(8);
                        LONG(SIZEOF(.text))
                    }
                    .data : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertEquals(0x12, img.section(".table").orElseThrow().bytes()[0]);
        assertEquals(4 * 8, img.section(".init_array").orElseThrow().size());
    }

    // ---- file names, EXCLUDE_FILE, assignments, functions ------------------------------------------------------

    @Test
    void fileNamePatternsAndExcludeFile() throws IOException {
        Path crt = asm("crtbegin.o", ".section .ctors, \"aw\"\n.quad 1\n.text\nnop\n");
        Path crtend = asm("crtend.o", ".section .ctors, \"aw\"\n.quad 0\n.text\nnop\n");
        List<Path> objs = List.of(asm("start.o", BOOT), crt, asm("kmain.o", KMAIN), crtend);
        Path s = script("files.ld", """
                SECTIONS {
                    . = 0x40080000;
                    .text : { *start.o(.text.boot) *kmain.o(.text) *(.text) }
                    .rodata : { *(.rodata*) }
                    .ctors : {
                        KEEP(*crtbegin.o(.ctors))
                        KEEP(*(EXCLUDE_FILE(*crtend.o) .ctors))
                        KEEP(*crtend.o(.ctors))
                    }
                    .data : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                }
                """);
        LinkedImage img = Differential.check(dir, s, objs, LOAD_IMAGE, FULL);
        assertEquals(List.of("crtbegin.o(.ctors)", "crtend.o(.ctors)"), pieces(img, ".ctors"));
        assertEquals(List.of("start.o(.text.boot)", "kmain.o(.text)", "start.o(.text)", "crtbegin.o(.text)",
                "crtend.o(.text)"), pieces(img, ".text"));

        assumeTrue(Differential.haveGnu(), "GNU ld");
        Path outer = script("outer.ld", """
                SECTIONS {
                    . = 0x40080000;
                    .text : { *(.text.boot) EXCLUDE_FILE(*crt*.o) *(.text) }
                    .crt : { *(.text) }
                    .ctors : { *(EXCLUDE_FILE(*crtbegin.o) .ctors .text.never) *(.ctors) }
                    .rodata : { *(.rodata*) } .data : { *(.data) } .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    __end = .;
                }
                """);
        // ld.lld 14 has no EXCLUDE_FILE before the file name, and applies one in the list to every pattern after it
        LinkedImage o = Differential.check(dir, outer, objs, null, FULL);
        assertEquals(List.of("crtbegin.o(.text)", "crtend.o(.text)"), pieces(o, ".crt"));
        assertEquals(List.of("crtend.o(.ctors)", "crtbegin.o(.ctors)"), pieces(o, ".ctors"));
    }

    @Test
    void assignmentsSuffixesFunctionsAndTheLocationCounterOutsideSections() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("assign.ld", """
                KIB = 64K;
                MIB = 1M;
                x = 3;
                SECTIONS {
                    x += 1K;
                    . = SEGMENT_START("text-segment", 0x40080000);
                    .text : { *(.text.boot) *(.text) . += 0x10; text_pad_end = .; }
                    . = ALIGN(0x1000);
                    __rodata_start = .;
                    .rodata : { *(.rodata*) }
                    . = ALIGN(64K);
                    .data : { *(.data) }
                    .bss : { __bss_start = .; *(.bss) __bss_end = .; }
                    . = ALIGN(0x1000);
                    __end = .;
                    limit = MAX(__end, 0x40100000) + MIN(KIB, MIB);
                    has_kmain = DEFINED(kmain) ? 1 : 0;
                    no_such = DEFINED(no_such_symbol) ? no_such_symbol : 0x77;
                    lengthy = __end - ADDR(.text);
                    HIDDEN(hidden_end = __end);
                    PROVIDE(provided = 0x1234);
                    PROVIDE(unused_provide = 1);
                }
                ASSERT(__end % 0x1000 == 0, "__end is page aligned")
                """);
        Path user = asm("user.o", ".data\n.quad provided\n");
        List<Path> all = new java.util.ArrayList<>(objs);
        all.add(user);
        LinkedImage img = Differential.check(dir, s, all, LOAD_IMAGE, FULL);
        assertEquals(0x40080000L, img.section(".text").orElseThrow().vma());
        assertEquals(0x1234, img.symbolValue("provided"));
        assertTrue(img.symbol("unused_provide").isEmpty());
    }

    @Test
    void expressionsInsideSectionsFollowGnuLdsSectionRules() throws IOException {
        assumeTrue(Differential.haveGnu(), "GNU ld");
        Path b = asm("b.o", """
                .text
                .globl _start
                _start: nop
                .section .rodata, "a"
                .quad 7
                .data
                .quad 1
                .bss
                .zero 16
                """);
        Path s = script("gnuexpr.ld", """
                ABS_SYM = 0x40;
                SECTIONS {
                    . = 0x10000;
                    .text : { *(.text) . = 0x20; s_num = 0x10; s_size = SIZEOF(.x); s_abs = ABS_SYM;
                              s_absfn = ABSOLUTE(0x10); s_dot = .; s_addr = ADDR(.x); }
                    .x : { LONG(1) *(.data) }
                    .y : { . += 4; *(.rodata) }
                    .z : { a = .; . += 8; b = .; diff_in = b - a; cmp_in = (. > 0x20) ? 1 : 2; neg = -a;
                           mx = MAX(a, 0x5); al = ALIGN(0x100); }
                    diff_out = b - a;
                    sdiv = -7 / 2;
                    smod = -7 % 2;
                    nal = ALIGN(0x10003, 3);
                    .w ALIGN(3) : { LONG(5) QUAD(.) SQUAD(-2) }
                    .v : ALIGN(3) { LONG(6) }
                    .bss : { *(.bss) }
                    .emptytext : ALIGN(0x1000) { *(.nothing) }
                    after_empty = .;
                    .symonly : ALIGN(0x1000) { sym_only = .; }
                    lg = LOG2CEIL(5);
                    pages = CONSTANT(MAXPAGESIZE) + CONSTANT(COMMONPAGESIZE);
                    pages -= 0x100; pages *= 3; pages /= 2; pages <<= 4; pages >>= 1; pages &= 0xffff7;
                    pages |= 0x100000; pages += 1K;
                }
                """);
        // ld.lld treats numbers in sections as addresses and refuses '. = 0x20' here (it would move backward);
        // ld.lld 14 also lacks the compound assignments but '+=', SQUAD and '.' in data commands
        LinkedImage img = Differential.check(dir, s, List.of(b), null, FULL);
        assertEquals(0x20, img.section(".text").orElseThrow().size(), "'. = 0x20' in a section is an offset");
        assertEquals(0x10010, img.symbolValue("s_num"), "a number assigned in a section is relative to it");
        assertEquals(0x10005, img.symbolValue("nal"));
    }

    @Test
    void errorsForUnsupportedConstructsNameThePlace() throws IOException {
        List<Path> objs = twoObjects();
        Path s = script("before.ld", """
                PHDRS { text PT_LOAD; }
                SECTIONS {
                    .text 0x1000 : { *(.text.boot) }
                    .rest : { *(.text) *(.rodata*) *(.data) __bss_start = .; *(.bss) __bss_end = .; __end = .; } :text
                }
                """);
        LinkException e = assertThrows(LinkException.class, () -> Differential.ours(s, Differential.read(objs)));
        assertTrue(e.getMessage().startsWith(s + ":3:5: output section .text has no :phdr and comes before every"),
                e.getMessage());
        Path unknown = script("unknown.ld", "PHDRS { text PT_LOAD; }\nSECTIONS { .text 0x1000 : { *(.text*) *(.rodata*) "
                + "*(.data) __bss_start = .; *(.bss) __bss_end = .; __end = .; } :txt }\n");
        e = assertThrows(LinkException.class, () -> Differential.ours(unknown, Differential.read(objs)));
        assertTrue(e.getMessage().contains("assigned to program header txt, which PHDRS does not define"), e.getMessage());
    }
}
