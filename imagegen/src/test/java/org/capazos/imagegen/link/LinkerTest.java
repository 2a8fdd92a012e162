package org.capazos.imagegen.link;

import org.capazos.dsl.Label;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.RawAssembler;
import org.capazos.imagegen.script.Parser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Layout by the script (every feature of the subset) and the linker's symbol rules and errors. */
class LinkerTest {
    /** A module with sections of the given names and sizes (code if the name starts with .text, bss for .bss). */
    static Module module(String name, Object... sectionsAndSizes) {
        ModuleBuilder mb = new ModuleBuilder(name);
        for (int i = 0; i < sectionsAndSizes.length; i += 2) {
            String s = (String) sectionsAndSizes[i];
            int size = (Integer) sectionsAndSizes[i + 1];
            Section.Kind kind = s.startsWith(".text") ? Section.Kind.CODE : s.startsWith(".bss") ? Section.Kind.BSS
                    : s.startsWith(".rodata") ? Section.Kind.RODATA : Section.Kind.DATA;
            RawAssembler a = new RawAssembler(mb.section(s, kind));
            a.bind(new Label(name + s.replace('.', '_')).global());
            if (kind == Section.Kind.CODE) for (int k = 0; k < size / 4; k++) a.nop();
            else a.space(size);
        }
        return mb.build();
    }

    static LinkedImage link(String script, Module... modules) {
        return new Linker(Parser.parse("t.ld", script)).link("t", List.of(modules));
    }

    static LinkException fails(String script, Module... modules) {
        return assertThrows(LinkException.class, () -> link(script, modules));
    }

    static OutputSection sec(LinkedImage img, String name) {
        return img.section(name).orElseThrow(() -> new AssertionError("no section " + name));
    }

    @Test
    void placesSectionsAtVmaAndLmaWithAlignmentAndScriptSymbols() {
        LinkedImage img = link("""
                ENTRY(a_text)
                SECTIONS {
                    . = 0x1000;
                    .text : AT(0x80000) { *(.text) text_end = .; }
                    .rodata : { *(.rodata) }
                    .data 0x4000 : AT(LOADADDR(.rodata) + SIZEOF(.rodata)) ALIGN(64) { *(.data) }
                    .bss (NOLOAD) : { __bss_start = .; *(.bss) . = ALIGN(16); __bss_end = .; }
                    __end = .;
                }
                """, module("a", ".text", 12, ".rodata", 3, ".data", 8, ".bss", 20));
        assertEquals(0x1000, sec(img, ".text").vma());
        assertEquals(0x80000, sec(img, ".text").lma());
        assertEquals(0x100c, sec(img, ".rodata").vma());
        assertEquals(0x8000c, sec(img, ".rodata").lma(), "no AT: keeps the previous VMA-LMA offset");
        assertEquals(0x4000, sec(img, ".data").vma());
        assertEquals(0x8000f, sec(img, ".data").lma(), "AT(...) is taken as written");
        assertEquals(64, sec(img, ".data").alignment());
        assertTrue(sec(img, ".bss").nobits());
        assertEquals(0x4008, img.symbolValue("__bss_start"));
        assertEquals(0x4020, img.symbolValue("__bss_end"));
        assertEquals(0x4020, img.symbolValue("__end"));
        assertEquals(0x100c, img.symbolValue("text_end"));
        assertEquals(".text", img.symbol("text_end").orElseThrow().section());
        assertNull(img.symbol("__end").orElseThrow().section(), "outside sections: absolute");
        assertEquals(0x1000, img.entry());
        assertEquals("a_text", img.entrySymbol());
        assertEquals(3, img.segments().size(), "GNU ld's mapping: .text with .rodata, then .data, then .bss "
                + "(their LMA-VMA offsets differ)");
        assertEquals(List.of(".text", ".rodata"), img.segments().get(0).sections());
        Segment bss = img.segments().get(2);
        assertEquals(0, bss.fileSize());
        assertEquals(0x18, bss.memSize());
        assertEquals(Segment.R | Segment.W, bss.flags());
        assertEquals(Segment.R | Segment.X, img.segments().get(0).flags());
    }

    @Test
    void gathersInputSectionsDescriptionByDescriptionThenModuleByModule() {
        LinkedImage img = link("SECTIONS { .text 0 : { *(.text.boot) b*(.text) *(.text*) } }",
                module("a", ".text", 4, ".text.boot", 8),
                module("b", ".text.boot", 4, ".text", 4, ".text.x", 4));
        assertEquals(List.of("a(.text.boot)", "b(.text.boot)", "b(.text)", "a(.text)", "b(.text.x)"),
                sec(img, ".text").inputs().stream().map(p -> p.module() + "(" + p.section() + ")").toList());
        assertEquals(List.of(0L, 8L, 12L, 16L, 20L), sec(img, ".text").inputs().stream()
                .map(OutputSection.InputPiece::vma).toList());
    }

    @Test
    void discardedSectionsAreGoneAndReferencesToThemAreErrors() {
        LinkedImage img = link("SECTIONS { .text 0 : { *(.text) } /DISCARD/ : { *(.comment) } }",
                module("a", ".text", 4, ".comment", 4));
        assertTrue(img.section(".comment").isEmpty());
        assertTrue(img.symbol("a_comment").isEmpty());

        ModuleBuilder mb = new ModuleBuilder("user");
        new RawAssembler(mb.section(".text", Section.Kind.CODE)).bl(Label.external("a_comment"));
        LinkException e = fails("SECTIONS { .text 0 : { *(.text) } /DISCARD/ : { *(.comment) } }",
                module("a", ".text", 4, ".comment", 4), mb.build());
        assertTrue(e.getMessage().contains("'a_comment' of module a is in section .comment, which /DISCARD/ removed"),
                e.getMessage());
    }

    @Test
    void orphansArePlacedAfterTheLastSectionOrRefused() {
        String script = "SECTIONS { .text 0x100 : { *(.text) } end_of_text = .; }";
        LinkedImage img = link(script, module("a", ".text", 4, ".extra", 8, ".data", 4), module("b", ".extra", 4));
        assertEquals(List.of(".text", ".extra", ".data"), img.sections().stream().map(OutputSection::name).toList());
        assertTrue(sec(img, ".extra").orphan());
        assertEquals(0x104, sec(img, ".extra").vma());
        assertEquals(12, sec(img, ".extra").size());
        assertEquals(0x114, img.symbolValue("end_of_text"), "orphans go before trailing assignments, as in GNU ld");

        LinkException e = assertThrows(LinkException.class, () -> new Linker(Parser.parse("t.ld", script))
                .orphans(OrphanPolicy.ERROR).link("t", List.of(module("a", ".text", 4, ".extra", 8, ".data", 4))));
        assertEquals("t.ld: no output section description matches input sections a:.extra, a:.data", e.getMessage());
    }

    @Test
    void anOrphanNamedLikeAnOutputSectionJoinsIt() {
        LinkedImage img = link("SECTIONS { .data 0 : { *(.data.*) } }", module("a", ".data.x", 4, ".data", 4));
        assertEquals(8, sec(img, ".data").size());
        assertFalse(sec(img, ".data").orphan());
    }

    @Test
    void provideDefinesOnlyWhatIsReferencedAndNotDefined() {
        ModuleBuilder mb = new ModuleBuilder("user");
        RawAssembler a = new RawAssembler(mb.section(".text", Section.Kind.CODE));
        a.bl(Label.external("wanted"));
        a.bl(Label.external("defined_by_module"));
        a.bind(new Label("defined_by_module").global());
        a.adr(x0, Label.external("hidden"));
        LinkedImage img = link("""
                SECTIONS { .text 0x100 : { *(.text) } }
                PROVIDE(wanted = 0x40);
                PROVIDE(unwanted = 0x43);
                PROVIDE(defined_by_module = 0x44);
                PROVIDE_HIDDEN(hidden = 0x48);
                """, mb.build());
        assertEquals(0x40, img.symbolValue("wanted"));
        assertTrue(img.symbol("unwanted").isEmpty());
        assertEquals(0x108, img.symbolValue("defined_by_module"));
        LinkedSymbol hidden = img.symbols().stream().filter(s -> s.name().equals("hidden")).findFirst().orElseThrow();
        assertEquals(ModuleSymbol.Binding.LOCAL, hidden.binding());
    }

    @Test
    void assertionsAreCheckedOnTheFinalLayout() {
        LinkException e = fails("""
                SECTIONS { .text 0x100 : { *(.text) } }
                ASSERT(SIZEOF(.text) < 8, "text too big")
                ASSERT(end == 0x10c, "forward reference settles")
                end = ADDR(.text) + SIZEOF(.text);
                """, module("a", ".text", 12));
        assertEquals("t.ld:2:1: assertion failed: text too big", e.getMessage());
    }

    @Test
    void forwardReferencesTakeTheirFinalValues() {
        LinkedImage img = link("""
                text_size = __text_end - __start;
                SECTIONS {
                    . = 0x1000;
                    __start = .;
                    .text : { *(.text) }
                    __text_end = .;
                    .data ALIGN(text_size * 2) : { *(.data) }
                    __end = .;
                }
                """, module("a", ".text", 16, ".data", 16));
        assertEquals(16, img.symbolValue("text_size"));
        assertEquals(0x1020, sec(img, ".data").vma());
    }

    @Test
    void aLayoutThatCannotSettleIsAnError() {
        LinkException e = fails("""
                SECTIONS { . = 0x1000; .text : { *(.text) } .grow : { . += SIZEOF(.grow) + 1; } }
                """, module("a", ".text", 16, ".data", 16));
        assertTrue(e.getMessage().startsWith("t.ld: the layout does not settle"), e.getMessage());
    }

    @Test
    void theLocationCounterCannotMoveBackwardInASection() {
        LinkException e = fails("SECTIONS { .text 0x100 : { *(.text) . = ABSOLUTE(0x100); } }", module("a", ".text", 8));
        assertEquals("t.ld:1:37: cannot move the location counter backward (from 0x108 to 0x100) inside output "
                + "section .text", e.getMessage());
    }

    @Test
    void sectionsMustFitTheirMemoryRegions() {
        LinkException e = fails("""
                MEMORY { RAM : ORIGIN = 0x1000, LENGTH = 16 }
                SECTIONS { .text : { *(.text) } > RAM }
                """, module("a", ".text", 20));
        assertEquals("t.ld:2:12: output section .text [0x1000, 0x1014) does not fit memory region RAM [0x1000, 0x1010)"
                + ": overflows by 4 bytes", e.getMessage());
        assertEquals("t.ld:1:12: no memory region named ROM",
                fails("SECTIONS { .text : { *(.text) } > ROM }", module("a", ".text", 4)).getMessage());
    }

    @Test
    void aNoloadSectionWithoutInputsTakesSpaceButNoBytes() {
        LinkedImage img = link("SECTIONS { .text 0 : { *(.text) } .stack (NOLOAD) : ALIGN(16) { . += 4K; } "
                + "stack_top = .; .empty : { } }", module("a", ".text", 4));
        assertTrue(sec(img, ".stack").nobits());
        assertEquals(0x1010, img.symbolValue("stack_top"));
        assertTrue(img.section(".empty").isEmpty(), "empty output sections are left out");
    }

    @Test
    void twoStrongDefinitionsAreAnErrorNamingBothModules() {
        LinkException e = fails("SECTIONS { .text 0 : { *(.text) } }", module("one", ".text", 4),
                module("two", ".text", 4), renamed("three", "one_text"));
        assertEquals("duplicate symbol 'one_text': defined in module one (.text+0x0) and in module three (.text+0x0)",
                e.getMessage());
    }

    /** A module that defines the global {@code symbol} at the start of its .text. */
    static Module renamed(String module, String symbol) {
        ModuleBuilder mb = new ModuleBuilder(module);
        RawAssembler a = new RawAssembler(mb.section(".text", Section.Kind.CODE));
        a.bind(new Label(symbol).global());
        a.nop();
        return mb.build();
    }

    @Test
    void weakDefinitionsGiveWayAndWeakReferencesMayStayUndefined() {
        ModuleBuilder w = new ModuleBuilder("weak");
        RawAssembler a = new RawAssembler(w.section(".text", Section.Kind.CODE));
        a.bind(new Label("handler").weak());
        a.nop();
        a.bl(new Label("handler"));
        Module weak = w.build();
        Module strong = renamed("strong", "handler");
        LinkedImage img = link("SECTIONS { .text 0 : { *(.text) } }", weak, strong);
        assertEquals(8, img.symbolValue("handler"), "the strong definition in the second module wins");
        assertEquals(1, img.symbols().stream().filter(s -> s.name().equals("handler")).count());

        Module undefinedWeak = new Module("u", List.of(new ModuleSection(".text", ModuleSection.ALLOC | ModuleSection.EXEC,
                false, 4, 4, new byte[] {0, 0, 0, (byte) 0x94}, List.of(new org.capazos.dsl.module.Relocation(0,
                org.capazos.isa.RelocKind.CALL26, "maybe", 0, "here")), new int[] {0})),
                List.of(new ModuleSymbol("maybe", null, 0, 0, ModuleSymbol.Binding.WEAK, ModuleSymbol.Type.NOTYPE)));
        LinkedImage u = link("SECTIONS { .text 0 : { *(.text) } }", undefinedWeak);
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 0x94}, sec(u, ".text").bytes(), "bl 0 (to itself)");
    }

    @Test
    void undefinedSymbolsAreReportedWithEverySite() {
        ModuleBuilder one = new ModuleBuilder("one");
        RawAssembler a = new RawAssembler(one.section(".text", Section.Kind.CODE));
        a.bl(Label.external("missing"));
        a.b(Label.external("missing"));
        a.bl(Label.external("also_missing"));
        ModuleBuilder two = new ModuleBuilder("two");
        new RawAssembler(two.section(".text", Section.Kind.CODE)).bl(Label.external("missing"));
        LinkException e = fails("SECTIONS { .text 0 : { *(.text) } }", one.build(), two.build());
        String[] lines = e.getMessage().split("\n");
        assertEquals(2, lines.length, e.getMessage());
        assertTrue(lines[0].startsWith("undefined symbol 'also_missing', referenced at: LinkerTest.java:"), lines[0]);
        assertTrue(lines[0].endsWith("(one:.text+0x8)"), lines[0]);
        assertTrue(lines[1].startsWith("undefined symbol 'missing', referenced at: "), lines[1]);
        assertTrue(lines[1].contains("(one:.text+0x0), ") && lines[1].contains("(one:.text+0x4), ")
                && lines[1].endsWith("(two:.text+0x0)"), lines[1]);
    }

    @Test
    void defsymsAreAbsoluteSymbolsThatNoModuleOrScriptMayRedefine() {
        ModuleBuilder mb = new ModuleBuilder("m");
        RawAssembler a = new RawAssembler(mb.section(".data", Section.Kind.DATA));
        a.data(Label.external("__kernel_phys_base"), 0, org.capazos.isa.RelocKind.ABS64);
        LinkedImage img = new Linker(Parser.parse("t.ld", """
                SECTIONS { .data 0 : { *(.data) } }
                ok = DEFINED(__kernel_phys_base) ? __kernel_phys_base + 1 : 0;
                """)).defsym("__kernel_phys_base", 0x40100000L).link("t", List.of(mb.build()));
        assertEquals(0x40100001L, img.symbolValue("ok"));
        assertEquals(0x40100000L, img.symbolValue("__kernel_phys_base"));
        assertEquals(0x00, sec(img, ".data").bytes()[0]);
        assertEquals(0x10, sec(img, ".data").bytes()[2]);

        LinkException e = assertThrows(LinkException.class, () -> new Linker(Parser.parse("t.ld",
                "SECTIONS { .text 0 : { *(.text) } }")).defsym("a_text", 1).link("t", List.of(module("a", ".text", 4))));
        assertEquals("symbol 'a_text' is given as a defsym and also defined by module a", e.getMessage());
        e = assertThrows(LinkException.class, () -> new Linker(Parser.parse("t.ld", "x = 1;")).defsym("x", 1)
                .link("t", List.of()));
        assertEquals("t.ld:1:1: symbol 'x' is assigned by the script and also given as a defsym (use PROVIDE to give "
                + "a default)", e.getMessage());
    }

    @Test
    void scriptErrorsOfEvaluationNameThePlace() {
        Module a = module("a", ".text", 4);
        assertEquals("t.ld:1:24: symbol 'a_text' is assigned by the script and also defined by module a (use PROVIDE "
                + "to give a default)", fails("SECTIONS { .text 0 : { a_text = 1; *(.text) } }", a).getMessage());
        assertEquals("t.ld:1:5: undefined symbol 'nothing' referenced in the link script",
                fails("x = nothing + 1;", a).getMessage());
        assertEquals("t.ld:1:5: undefined output section '.nope' in ADDR(...)", fails("x = ADDR(.nope);", a).getMessage());
        assertEquals("t.ld:1:1: entry symbol 'nowhere' is not defined", fails("ENTRY(nowhere)", a).getMessage());
        assertEquals("t.ld:1:1: symbol 'y' used in '+=' is not defined", fails("y += 1;", a).getMessage());
        assertEquals("t.ld:1:7: division by zero", fails("x = 1 / 0;", a).getMessage());
        assertEquals("t.ld:1:24: output section .text is described twice",
                fails("SECTIONS { .text : { } .text : { } }", a).getMessage());
    }

    @Test
    void theEntryDefaultsToStartAndCompoundAssignmentsWork() {
        LinkedImage img = link("SECTIONS { .text 0x40 : { *(.text) } } x = 3; x <<= 4; x |= 1; x -= 2;",
                renamed("m", "_start"));
        assertEquals(0x40, img.entry(), "GNU ld without ENTRY: the symbol 'start', else the start of .text");
        assertNull(img.entrySymbol());
        assertEquals(0x2f, img.symbolValue("x"));
    }

    @Test
    void listingRecordsGiveEveryInstructionsAddressAndFinalWord() {
        ModuleBuilder mb = new ModuleBuilder("m");
        RawAssembler a = new RawAssembler(mb.section(".text", Section.Kind.CODE));
        a.nop();
        a.bl(Label.external("far"));
        a.switchTo(mb.section(".data", Section.Kind.DATA));
        a.quad(7);
        LinkedImage img = new Linker(Parser.parse("t.ld", "SECTIONS { .text 0x1000 : { *(.text) } .data : { *(.data) } }"))
                .defsym("far", 0x1104).link("t", List.of(mb.build()));
        assertEquals(List.of(new ListingRecord(0x1000, 0xd503201f, "m", ".text", 0),
                new ListingRecord(0x1004, 0x94000040, "m", ".text", 4)), img.listing());
    }

    // ---- GNU ld's semantics, checked without external tools (the differential tests compare with GNU ld) ----

    /** A module whose sections have the given names, sizes and alignments (name, size, alignment triples). */
    static Module aligned(String name, Object... triples) {
        List<ModuleSection> sections = new java.util.ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            String s = (String) triples[i];
            int size = (Integer) triples[i + 1];
            long align = ((Integer) triples[i + 2]).longValue();
            byte[] bytes = new byte[size];
            java.util.Arrays.fill(bytes, (byte) (0x10 + i / 3));
            sections.add(new ModuleSection(s, ModuleSection.ALLOC | (s.startsWith(".text") ? ModuleSection.EXEC
                    : ModuleSection.WRITE), false, size, align, bytes, List.of(), new int[0]));
        }
        return new Module(name, sections, List.of());
    }

    static List<String> pieces(LinkedImage img, String section) {
        return sec(img, section).inputs().stream().map(p -> p.module() + "(" + p.section() + ")").toList();
    }

    @Test
    void numbersInsideSectionsAreOffsetsFromTheSection() {
        LinkedImage img = link("""
                ABS = 0x40;
                SECTIONS {
                    .text 0x10000 : { *(.text) . = 0x20; num = 0x10; abs_in = ABS; fn = ABSOLUTE(0x10); sz = SIZEOF(.text); }
                    .data : { *(.data) . = ABS; end_data = .; }
                    out = 0x10;
                }
                """, module("a", ".text", 8, ".data", 8));
        assertEquals(0x20, sec(img, ".text").size(), "'. = 0x20' in a section is an offset");
        assertEquals(0x10010, img.symbolValue("num"));
        assertEquals(0x10040, img.symbolValue("abs_in"), "absolute symbols are numbers in sections");
        assertEquals(0x10, img.symbolValue("fn"));
        assertEquals(0x10020, img.symbolValue("sz"), "SIZEOF is a number too");
        assertEquals(0x40, sec(img, ".data").size());
        assertEquals(0x10, img.symbolValue("out"), "outside sections numbers are absolute");
    }

    @Test
    void emptySectionsAreRemovedAndDoNotMoveTheLocationCounter() {
        LinkedImage img = link("""
                SECTIONS {
                    . = 0x10001;
                    .empty : ALIGN(0x1000) { *(.nothing) }
                    a1 = .;
                    .symonly : ALIGN(0x1000) { s = .; }
                    a2 = .;
                    .data : { *(.data) }
                }
                """, module("a", ".data", 8));
        assertEquals(0x10001, img.symbolValue("a1"));
        assertEquals(0x11000, img.symbolValue("s"), "a section with a symbol assignment is kept and aligned");
        assertTrue(img.section(".empty").isEmpty() && img.section(".symonly").isEmpty());
    }

    @Test
    void regionsAreChosenByAttributesAndLoadRegionsCarryOver() {
        LinkedImage img = link("""
                MEMORY { ROM (rx) : ORIGIN = 0x1000, LENGTH = 0x1000
                         RAM (w!x) : ORIGIN = 0x8000, LENGTH = 0x1000 }
                SECTIONS {
                    .text : { *(.text) }
                    .rodata : { *(.rodata) }
                    .data : { *(.data) } > RAM AT> ROM
                    .data2 : { *(.data2) } > RAM
                    .bss : { *(.bss) }
                }
                """, module("a", ".text", 8, ".rodata", 3, ".data", 4, ".data2", 4, ".bss", 16));
        assertEquals(0x1000, sec(img, ".text").vma(), "code goes to the (rx) region");
        assertEquals(0x1008, sec(img, ".rodata").vma(), "read-only data too");
        assertEquals(0x100b, sec(img, ".data").lma(), "AT> in another region: aligned only by ALIGN()");
        assertEquals(0x8004, sec(img, ".data2").vma());
        assertEquals(0x100f, sec(img, ".data2").lma(), "a section of the same region takes the AT> region before it");
        assertEquals(0x8008, sec(img, ".bss").vma(), "writable, not executable: RAM");
        LinkException e = fails("""
                MEMORY { ROM (rx) : ORIGIN = 0, LENGTH = 0x1000 }
                SECTIONS { .text : { *(.text) } .data : { *(.data) } }
                """, module("a", ".text", 4, ".data", 4));
        assertEquals("t.ld:2:33: no memory region specified for loadable section .data (no >region, and no MEMORY "
                + "region's attributes match it)", e.getMessage());
    }

    @Test
    void sortsExclusionsAndLiteralFileNamesAsGnuLd() {
        Module z = aligned("z.o", ".text.b", 4, 4, ".text.a", 4, 16, ".text.c", 4, 8, ".ia.00300", 8, 8,
                ".init_array.100", 8, 8, ".init_array", 8, 8, ".ctors", 8, 8, ".x1", 1, 1, ".x2", 1, 16, ".x3", 1, 4);
        Module a = aligned("a.o", ".text.a", 4, 4, ".init_array.00200", 8, 8, ".ctors", 8, 8);
        LinkedImage img = link("""
                SECTIONS {
                    .t 0x1000 : { *(SORT_BY_NAME(.text.*)) }
                    .pr : { *(SORT_BY_INIT_PRIORITY(.ia.*) SORT_BY_INIT_PRIORITY(.init_array.*)) }
                    .al : { *(SORT_BY_ALIGNMENT(.x*)) }
                    .ct : { *(EXCLUDE_FILE(z.o) .ctors) *(.ctors) }
                }
                """, z, a);
        assertEquals(List.of("z.o(.text.a)", "a.o(.text.a)", "z.o(.text.b)", "z.o(.text.c)"), pieces(img, ".t"));
        assertEquals(List.of("z.o(.x2)", "z.o(.x3)", "z.o(.x1)"), pieces(img, ".al"), "larger alignment first");
        assertEquals(List.of("z.o(.init_array.100)", "a.o(.init_array.00200)", "z.o(.ia.00300)"), pieces(img, ".pr"));
        assertEquals(List.of("a.o(.ctors)", "z.o(.ctors)"), pieces(img, ".ct"));
        // a literal file name loads that file first (GNU ld, -T before the objects), and must exist
        LinkedImage lit = link("SECTIONS { .t 0x1000 : { a.o(.text.a) } .rest : { *(.text.*) } }", z, a);
        assertEquals(List.of("z.o(.text.b)", "z.o(.text.a)", "z.o(.text.c)"), pieces(lit, ".rest"));
        LinkException e = fails("SECTIONS { .t 0x1000 : { missing.o(.text) *(.text*) } }", z);
        assertEquals("t.ld:1:26: input file missing.o is named by the script but is not among the modules linked "
                + "(GNU ld: cannot find missing.o)", e.getMessage());
    }

    @Test
    void fillsAndDataCommands() {
        Module m = aligned("m", ".text.a", 2, 1, ".text.b", 1, 8);
        LinkedImage img = link("""
                SECTIONS {
                    .t 0x1000 : { *(.text.a) *(.text.b) . += 3; BYTE(0xab) SHORT(0x1234) LONG(end) QUAD(-1) } =0x90
                    .u : { FILL(0x11223344); . += 6; }
                    end = .;
                }
                """, m);
        byte n = (byte) 0x90;
        assertArrayEquals(new byte[] {0x10, 0x10, n, n, n, n, n, n, 0x11, n, n, n, (byte) 0xab, 0x34, 0x12,
                0x21, 0x10, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1}, sec(img, ".t").bytes());
        assertTrue(sec(img, ".u").nobits(), "a section with only assignments has no contents (GNU ld): no fill");
    }

    @Test
    void commonSymbolsAreAllocatedInGnuLdsHashOrder() {
        Module a = new Module("cm.o", List.of(), List.of(
                new ModuleSymbol("zeta", Linker.COMMON, 4, 4, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.OBJECT),
                new ModuleSymbol("alpha", Linker.COMMON, 8, 8, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.OBJECT),
                new ModuleSymbol("mid", Linker.COMMON, 2, 2, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.OBJECT),
                new ModuleSymbol("big", Linker.COMMON, 16, 16, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.OBJECT)));
        Module b = new Module("cm2.o", List.of(), List.of(
                new ModuleSymbol("alpha", Linker.COMMON, 4, 16, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.OBJECT),
                new ModuleSymbol("other", Linker.COMMON, 4, 4, ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.OBJECT)));
        LinkedImage img = link("SECTIONS { .bss 0x10000 : { *(COMMON) } }", a, b);
        // as GNU ld 2.40 places them (checked in ScriptConstructsDiffTest): big, mid, zeta; then other, alpha
        assertEquals(0x10000, img.symbolValue("big"));
        assertEquals(0x10010, img.symbolValue("mid"));
        assertEquals(0x10014, img.symbolValue("zeta"));
        assertEquals(0x10018, img.symbolValue("other"));
        assertEquals(0x10020, img.symbolValue("alpha"), "the largest common wins, with the largest alignment");
        assertEquals(16, img.symbol("alpha").orElseThrow().size());
        LinkedImage orphan = link("SECTIONS { .data 0x10000 : { *(.data) } }", a);
        assertEquals(0x24, sec(orphan, ".bss").size(), "commons nobody places go to .bss");
    }

    @Test
    void segmentsEntryAndSizeofHeadersAsGnuLd() {
        Module m = module("m", ".text", 8, ".rodata", 8, ".data", 8, ".bss", 16);
        LinkedImage img = link("""
                SECTIONS {
                    . = 0x400000 + SIZEOF_HEADERS;
                    hs = SIZEOF_HEADERS;
                    .text : { *(.text) } .rodata : { *(.rodata) }
                    .data 0x420000 : { *(.data) } .bss : { *(.bss) }
                }
                """, m);
        assertEquals(64 + 2 * 56, img.symbolValue("hs"), "GNU ld counts two PT_LOADs (and one PT_NOTE per note run)");
        assertEquals(2, img.segments().size());
        Segment first = img.segments().get(0);
        assertTrue(first.holdsHeaders());
        assertEquals(0x400000, first.vaddr());
        assertEquals(0x4000b0 + 16 - 0x400000, first.fileSize());
        assertEquals(0x400000 + 0xb0, img.entry(), "no ENTRY and no 'start': the start of .text");

        LinkedImage seg = new Linker(Parser.parse("t.ld", """
                SECTIONS { . = SEGMENT_START("text-segment", 0x1000); .text : { *(.text) } }
                """)).segmentStart("text-segment", 0x80000).link("t", List.of(m));
        assertEquals(0x80000, sec(seg, ".text").vma());
    }

    @Test
    void phdrsErrorsNameThePlace() {
        Module m = module("m", ".text", 8, ".data", 8);
        assertEquals("t.ld:1:50: output section .text has no :phdr and comes before every section that has one "
                + "(GNU ld and ld.lld put it in different segments: give it a :phdr list)",
                fails("PHDRS { t PT_LOAD; } SECTIONS { .pre 0x100 : { } .text 0x1000 : { *(.text) } .data : "
                        + "{ *(.data) } :t }", m).getMessage());
        assertEquals("t.ld:1:20: program header d: FILEHDR and PHDRS are only supported on the first PT_LOAD",
                fails("PHDRS { t PT_LOAD; d PT_LOAD FILEHDR PHDRS; } SECTIONS { .text 0x1000 : { *(.text) } :t "
                        + ".data : { *(.data) } :d }", m).getMessage());
    }
}
