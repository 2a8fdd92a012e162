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
        assertEquals(4, img.segments().size());
        Segment bss = img.segments().get(3);
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
                x = __end - 0x1000;
                SECTIONS { . = 0x1000; .text : { *(.text) } .data ALIGN(x) : { *(.data) } __end = .; }
                """, module("a", ".text", 16, ".data", 16));
        assertTrue(e.getMessage().startsWith("t.ld: the layout does not settle"), e.getMessage());
    }

    @Test
    void theLocationCounterCannotMoveBackwardInASection() {
        LinkException e = fails("SECTIONS { .text 0x100 : { *(.text) . = 0x100; } }", module("a", ".text", 8));
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
        assertEquals("t.ld:1:28: alignment 0x3 is not a power of two",
                fails("SECTIONS { .text 0 : ALIGN(3) { *(.text) } }", a).getMessage());
        assertEquals("t.ld:1:24: output section .text is described twice",
                fails("SECTIONS { .text : { } .text : { } }", a).getMessage());
    }

    @Test
    void theEntryDefaultsToStartAndCompoundAssignmentsWork() {
        LinkedImage img = link("SECTIONS { .text 0x40 : { *(.text) } } x = 3; x <<= 4; x |= 1; x -= 2;",
                renamed("m", "_start"));
        assertEquals(0x40, img.entry());
        assertEquals("_start", img.entrySymbol());
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
}
