package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every construct of the subset parses into the right tree; everything else is an error at file:line:column. */
class ParserTest {
    static LinkScript parse(String text) {
        return Parser.parse("t.ld", text);
    }

    static LinkException error(String text) {
        return assertThrows(LinkException.class, () -> parse(text));
    }

    @Test
    void parsesEntryMemorySectionsAndTopLevelCommands() {
        LinkScript s = parse("""
                /* a comment
                   over lines */
                ENTRY(_start)
                MEMORY { RAM (rwx) : ORIGIN = 0x40000000, LENGTH = 128M
                         ROM : org = 0, len = 64K }
                BASE = 0x1000;
                PROVIDE(dflt = 1);
                PROVIDE_HIDDEN(hid = 2);
                ASSERT(BASE > 0, "base")
                SECTIONS {
                    . = BASE;
                    .text 0x2000 (NOLOAD) : AT(0x3000) ALIGN(16) {
                        KEEP(*(.text.boot))
                        *(.text .text.*)
                        obj?.o(.x[a-c]*)
                        sym = .;
                        . += 4;
                        ASSERT(. > 0, "in section");
                        PROVIDE(inner = .);
                    } > RAM
                    .data : { *(.data) } > RAM AT> ROM
                    /DISCARD/ : { *(.comment) }
                    end = .;
                }
                """);
        assertEquals("_start", s.entry());
        assertEquals("t.ld:3:1", s.entryAt().toString());
        assertEquals(2, s.memory().size());
        assertEquals("RAM", s.memory().get(0).name());
        assertEquals("rwx", s.memory().get(0).attributes());
        assertEquals(128L << 20, ((Expr.Num) s.memory().get(0).length()).value());
        assertEquals(64L << 10, ((Expr.Num) s.memory().get(1).length()).value());
        List<Statement> c = s.commands();
        assertEquals(9, c.size());
        assertEquals(new Statement.Assignment("BASE", "=", new Expr.Num(0x1000, "1000", loc(6, 8)),
                Statement.Provide.NONE, loc(6, 1)), c.get(0));
        assertEquals(Statement.Provide.PROVIDE, ((Statement.Assignment) c.get(1)).provide());
        assertEquals(Statement.Provide.PROVIDE_HIDDEN, ((Statement.Assignment) c.get(2)).provide());
        assertEquals("base", ((Statement.Assertion) c.get(3)).message());
        assertTrue(((Statement.Assignment) c.get(4)).isDot());
        Statement.OutputSection text = (Statement.OutputSection) c.get(5);
        assertEquals(".text", text.name());
        assertEquals(loc(12, 5), text.at());
        assertEquals(0x2000, ((Expr.Num) text.address()).value());
        assertTrue(text.noload());
        assertEquals(0x3000, ((Expr.Num) text.lma()).value());
        assertEquals(16, ((Expr.Num) text.align()).value());
        assertEquals("RAM", text.region());
        assertNull(text.lmaRegion());
        Statement.OutputSection data = (Statement.OutputSection) c.get(6);
        assertEquals("RAM", data.region());
        assertEquals("ROM", data.lmaRegion());
        assertEquals(7, text.body().size());
        Statement.InputSpec keep = (Statement.InputSpec) text.body().get(0);
        assertTrue(keep.keep());
        assertTrue(keep.matches("any", ".text.boot"));
        Statement.InputSpec two = (Statement.InputSpec) text.body().get(1);
        assertFalse(two.keep());
        assertTrue(two.matches("m", ".text"));
        assertTrue(two.matches("m", ".text.foo"));
        assertFalse(two.matches("m", ".textfoo"));
        Statement.InputSpec glob = (Statement.InputSpec) text.body().get(2);
        assertTrue(glob.matches("obj1.o", ".xb1"));
        assertFalse(glob.matches("obj12.o", ".xb1"));
        assertFalse(glob.matches("obj1.o", ".xd"));
        assertEquals("+=", ((Statement.Assignment) text.body().get(4)).op());
        assertInstanceOf(Statement.Assertion.class, text.body().get(5));
        assertEquals(Statement.Provide.PROVIDE, ((Statement.Assignment) text.body().get(6)).provide());
        assertTrue(((Statement.OutputSection) c.get(7)).isDiscard());
        assertEquals("end", ((Statement.Assignment) c.get(8)).symbol());
    }

    @Test
    void expressionsFollowCPrecedence() {
        assertEquals(7, eval("1 + 2 * 3"));
        assertEquals(9, eval("(1 + 2) * 3"));
        assertEquals(1, eval("1 < 2 == 1"));
        assertEquals(0x13, eval("1 << 4 | 3"));
        assertEquals(3, eval("6 & 3 ^ 1 | 0"));
        assertEquals(5, eval("0 ? 4 : 1 ? 5 : 6"));
        assertEquals(1, eval("1 || 1 && 0"));
        assertEquals(-3, eval("-3"));
        assertEquals(~0xfL, eval("~0xf"));
        assertEquals(1, eval("!0"));
        assertEquals(8, eval("010"));
        assertEquals(0x10000, eval("64K"));
        assertEquals(3 << 20, eval("3M"));
        assertEquals(0x400, eval("0x1K"));
        assertEquals(0x1f, eval("1fh"), "GNU ld's suffixes: h hex");
        assertEquals(0xa, eval("0ah"));
        assertEquals(15, eval("17o"), "o octal");
        assertEquals(5, eval("101b"), "b binary");
        assertEquals(10, eval("10d"), "d decimal");
        assertEquals(10L << 20, eval("10m"), "m and k in either case");
        assertEquals(0x1000000, eval("0x10M"));
        assertEquals(0xff, eval("$ff"), "$ hex");
    }

    private static long eval(String e) {
        return Evaluator.eval(Parser.parseExpression("e", e), new EvaluatorTest.Env());
    }

    private static SourceLocation loc(int line, int col) {
        return new SourceLocation("t.ld", line, col);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            OUTPUT_FORMAT("elf32-littlearm")                          | t.ld:1:15: OUTPUT_FORMAT "elf32-littlearm" is not AArch64 ELF64 little-endian
            OUTPUT_FORMAT(elf64-x86-64)                               | t.ld:1:15: OUTPUT_FORMAT "elf64-x86-64" is not AArch64 ELF64 little-endian
            OUTPUT_FORMAT(elf64-littleaarch64, elf64-bigaarch64, elf32-littlearm) | t.ld:1:54: OUTPUT_FORMAT little-endian choice "elf32-littlearm" is not AArch64 ELF64 little-endian
            OUTPUT_FORMAT(elf64-littleaarch64, x, elf64-littleaarch64) | t.ld:1:36: OUTPUT_FORMAT big-endian choice "x" is not an AArch64 ELF64 format
            OUTPUT_FORMAT(elf64-littleaarch64, elf64-bigaarch64)      | t.ld:1:1: OUTPUT_FORMAT takes one name or three
            OUTPUT_ARCH(arm)                                          | t.ld:1:13: OUTPUT_ARCH(arm) is not AArch64
            OUTPUT_ARCH(i386:x86-64)                                  | t.ld:1:13: OUTPUT_ARCH(i386:x86-64) is not AArch64
            TARGET(binary)                                            | t.ld:1:8: TARGET "binary" is not AArch64 ELF64 little-endian
            INCLUDE nowhere.ld                                        | t.ld:1:1: cannot find INCLUDEd file nowhere.ld
            SECTIONS {\\n .text : { *(SORT_BY_INIT_PRIORITY(SORT(.x))) } } | t.ld:2:36: SORT cannot be nested here
            SECTIONS {\\n .text : { SORT_BY_ALIGNMENT(*)(.text) } }  | t.ld:2:12: SORT_BY_ALIGNMENT cannot sort input files
            SECTIONS {\\n .text : { *(REVERSE(.text)) } }            | t.ld:2:14: unsupported linker script construct 'REVERSE'
            SECTIONS {\\n .text : { lib.a:foo.o(.text) } }           | t.ld:2:17: archive:member file patterns ('lib.a:...') are not supported
            SECTIONS {\\n .text : { BYTE(1) } }                      | OK
            SECTIONS {\\n BYTE(1) }                                  | t.ld:2:2: BYTE must be written inside an output section description
            SECTIONS {\\n OVERLAY : { } }                            | t.ld:2:2: unsupported linker script construct 'OVERLAY'
            SECTIONS {\\n .text (COPY) : { } }                       | t.ld:2:9: unsupported output section type 'COPY'
            SECTIONS {\\n .text : SUBALIGN(4) { } }                  | t.ld:2:10: unsupported linker script construct 'SUBALIGN'
            SECTIONS {\\n .text : ONLY_IF_RO { } }                   | t.ld:2:10: unsupported linker script construct 'ONLY_IF_RO'
            SECTIONS {\\n /DISCARD/ : { x = 1; *(.c) } }             | t.ld:2:16: only input section descriptions may be written in /DISCARD/
            PHDRS { text PT_LOAD AT(0x1000); }                        | t.ld:1:22: PHDRS AT(...) is not supported
            PHDRS { text PT_BOGUS; }                                  | t.ld:1:14: unknown program header type PT_BOGUS
            PHDRS { text PT_LOAD FILEHDR BOGUS; }                     | t.ld:1:30: expected FILEHDR, PHDRS, FLAGS(...) or ';' in program header text
            PHDRS { text PT_LOAD; text PT_LOAD; }                     | t.ld:1:23: program header text is defined twice
            MEMORY { RAM (rwq) : ORIGIN = 0, LENGTH = 1 }             | t.ld:1:15: unknown memory region attribute 'q'
            MEMORY { RAM : ORIGIN = 0, LENGTH = 1 RAM : o = 1, l = 1 } | t.ld:1:39: memory region RAM is defined twice
            REGION_ALIAS(FAST, NOWHERE)                               | t.ld:1:1: REGION_ALIAS(FAST, NOWHERE): no memory region named NOWHERE
            . = 0x1000;                                               | t.ld:1:1: assignment to the location counter outside SECTIONS
            NOCROSSREFS(.text .data)                                  | t.ld:1:1: unsupported linker script construct 'NOCROSSREFS'
            INSERT AFTER .text                                        | t.ld:1:1: unsupported linker script construct 'INSERT'
            x = DATA_SEGMENT_ALIGN(1, 2);                             | t.ld:1:5: unsupported linker script construct 'DATA_SEGMENT_ALIGN'
            x = CONSTANT(PAGESIZE);                                   | t.ld:1:14: unknown constant 'PAGESIZE'
            x = FOO(1);                                               | t.ld:1:5: unknown function 'FOO'
            x = ALIGN(1, 2, 3);                                       | t.ld:1:5: ALIGN takes 1 or 2 arguments, not 3
            x = 1 +;                                                  | t.ld:1:8: expected an expression, found ';'
            x = 1                                                     | t.ld:1:6: expected ';', found end of file
            x = 0x1G;                                                 | t.ld:1:5: malformed number '0x1G'
            x = 08;                                                   | t.ld:1:5: malformed number '08'
            x = 1 @ 2;                                                | t.ld:1:7: unexpected character '@'
            x = 5; x ^= 3;                                            | t.ld:1:8: unknown command 'x'
            /* never closed                                           | t.ld:1:1: unterminated comment
            ASSERT(1, "never closed)                                  | t.ld:1:11: unterminated string
            ASSERT(1, 2)                                              | t.ld:1:11: expected a message string in ASSERT, found '2'
            ENTRY(a) ENTRY(b)                                         | t.ld:1:10: ENTRY given twice (first at t.ld:1:1)
            foo bar;                                                  | t.ld:1:1: unknown command 'foo'
            SECTIONS {\\n .text : { *() } }                          | t.ld:2:12: input section description without a section pattern
            SECTIONS {\\n .text : { *(.text) }                       | t.ld:2:22: missing '}' of SECTIONS
            SECTIONS {\\n .text : { *(.text)                         | t.ld:2:20: missing '}' of output section .text
            SECTIONS {\\n .text : AT(0) { } AT> ROM }                | t.ld:2:2: output section .text has both AT(...) and AT>region
            SECTIONS {\\n .text : BOGUS { } }                        | t.ld:2:10: unexpected 'BOGUS' in the description of output section .text (expected AT(...), ALIGN(...) or '{')
            MEMORY { RAM : START = 0 }                                | t.ld:1:16: expected ORIGIN or LENGTH, found 'START'
            PROVIDE(x += 1);                                          | t.ld:1:1: PROVIDE needs '=', not '+='
            HIDDEN(. = 1);                                            | t.ld:1:1: HIDDEN cannot assign the location counter
            """)
    void errorsNameThePlaceAndTheConstruct(String script, String message) {
        if (message.equals("OK")) {
            parse(script.replace("\\n", "\n"));
            return;
        }
        LinkException e = error(script.replace("\\n", "\n"));
        assertTrue(e.getMessage().startsWith(message), "expected '" + message + "...', got: " + e.getMessage());
    }

    @Test
    void quotedSymbolNamesAndSectionNamesWithDashesAreRead() {
        LinkScript s = parse("\"odd name\" = 1; SECTIONS { .text-x : { *(.text-x) } }");
        assertEquals("odd name", ((Statement.Assignment) s.commands().get(0)).symbol());
        assertEquals(".text-x", ((Statement.OutputSection) s.commands().get(1)).name());
    }

    @Test
    void acceptsAarch64FormatsAndSearchDirs() {
        LinkScript s = parse("""
                OUTPUT_FORMAT("elf64-littleaarch64", "elf64-bigaarch64", "elf64-littleaarch64")
                OUTPUT_FORMAT(elf64-littleaarch64)
                OUTPUT_ARCH(aarch64)
                TARGET(elf64-littleaarch64)
                SEARCH_DIR(/usr/lib/none)
                SEARCH_DIR("=/lib")
                x = 1;
                """);
        assertEquals(1, s.commands().size());
    }

    @Test
    void parsesInputSectionSortsExclusionsDataFillsAndPhdrs() {
        LinkScript s = parse("""
                PHDRS { text PT_LOAD FILEHDR PHDRS FLAGS(5); note PT_NOTE; other 0x60000000 FLAGS(1 << 2); }
                MEMORY { RAM (rwx!r) : ORIGIN = 0x40000000, LENGTH = 1M }
                REGION_ALIAS("REGION_DATA", RAM);
                SECTIONS {
                    .text : {
                        KEEP(*crt0.o(.text.start))
                        *(SORT(.text.*) .text)
                        *(SORT_BY_NAME(SORT_BY_ALIGNMENT(.a*)), SORT_BY_ALIGNMENT(SORT_BY_NAME(.b*)))
                        KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*)))
                        KEEP(SORT(*)(.ctors))
                        EXCLUDE_FILE(*crtend.o *crtbegin.o) *(.dtors)
                        *(EXCLUDE_FILE(*crtend.o) .fini_array .fini_array.*)
                        boot.o
                        *(COMMON)
                        CONSTRUCTORS
                        FILL(0x90909090);
                        BYTE(1) SHORT(2) LONG(3) QUAD(4) SQUAD(-5)
                        HIDDEN(inner = .);
                    } > REGION_DATA :text :note =0xd503201f
                    .data : { *(.data) } :NONE = 0
                }
                """);
        assertEquals(3, s.phdrs().size());
        PhdrSpec text = s.phdrs().get(0);
        assertTrue(text.fileHeader() && text.programHeaders() && text.isLoad());
        assertEquals(0x60000000L, s.phdrs().get(2).type());
        assertEquals("RAM", s.regionAliases().get("REGION_DATA"));
        assertEquals(MemoryRegion.READONLY | MemoryRegion.DATA | MemoryRegion.CODE, s.memory().get(0).flags());
        assertEquals(MemoryRegion.READONLY, s.memory().get(0).notFlags());
        Statement.OutputSection o = s.outputSections().get(0);
        assertEquals(List.of("text", "note"), o.phdrs());
        assertEquals("d503201f", ((Expr.Num) o.fill()).hex());
        List<Statement> b = o.body();
        Statement.InputSpec crt0 = (Statement.InputSpec) b.get(0);
        assertTrue(crt0.keep() && crt0.matches("crt0.o", ".text.start") && !crt0.matches("x.o", ".text.start"));
        Statement.InputSpec sorted = (Statement.InputSpec) b.get(1);
        assertEquals(Statement.Sort.BY_NAME, sorted.patterns().get(0).sort());
        assertEquals(Statement.Sort.NONE, sorted.patterns().get(1).sort());
        Statement.InputSpec nested = (Statement.InputSpec) b.get(2);
        assertEquals(Statement.Sort.BY_NAME_ALIGNMENT, nested.patterns().get(0).sort());
        assertEquals(Statement.Sort.BY_ALIGNMENT_NAME, nested.patterns().get(1).sort());
        assertEquals(Statement.Sort.BY_INIT_PRIORITY, ((Statement.InputSpec) b.get(3)).patterns().get(0).sort());
        assertTrue(((Statement.InputSpec) b.get(4)).sortFiles());
        Statement.InputSpec outer = (Statement.InputSpec) b.get(5);
        assertFalse(outer.matches("crtend.o", ".dtors"));
        assertTrue(outer.matches("x.o", ".dtors"));
        Statement.InputSpec inner = (Statement.InputSpec) b.get(6);
        assertFalse(inner.matches("crtend.o", ".fini_array"), "EXCLUDE_FILE applies to the pattern after it");
        assertTrue(inner.matches("crtend.o", ".fini_array.1"), "... and only to that one (GNU ld)");
        Statement.InputSpec bare = (Statement.InputSpec) b.get(7);
        assertTrue(bare.matches("boot.o", ".anything"), "a file name alone takes all its sections");
        assertTrue(((Statement.InputSpec) b.get(8)).matches("a.o", "COMMON"));
        assertInstanceOf(Statement.Fill.class, b.get(9));
        assertEquals(List.of(1, 2, 4, 8, 8), b.subList(10, 15).stream().map(d -> ((Statement.Data) d).size()).toList());
        assertEquals(Statement.Provide.HIDDEN, ((Statement.Assignment) b.get(15)).provide());
        assertEquals(List.of("NONE"), s.outputSections().get(1).phdrs());
    }

    @Test
    void includeReadsWholeCommandListsInEveryContext(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path sub = java.nio.file.Files.createDirectories(dir.resolve("inc"));
        java.nio.file.Files.writeString(sub.resolve("memory.ld"), "RAM (rwx) : ORIGIN = 0x40000000, LENGTH = 1M\n");
        java.nio.file.Files.writeString(sub.resolve("top.ld"), "STACK_SIZE = 0x4000;\nENTRY(_start)\n");
        java.nio.file.Files.writeString(sub.resolve("sections.ld"), ".rodata : { *(.rodata*) }\n");
        java.nio.file.Files.writeString(sub.resolve("body.ld"), "*(.text.*)\nPROVIDE(etext = .);\n");
        java.nio.file.Files.writeString(sub.resolve("phdrs.ld"), "text PT_LOAD;\n");
        java.nio.file.Files.writeString(sub.resolve("bad.ld"), "x = 1;\n}\n");
        java.nio.file.Files.writeString(sub.resolve("loop.ld"), "INCLUDE loop.ld\n");
        java.nio.file.Path main = sub.resolve("main.ld");
        java.nio.file.Files.writeString(main, """
                INCLUDE top.ld
                MEMORY { INCLUDE memory.ld }
                PHDRS { INCLUDE "phdrs.ld" }
                SECTIONS {
                    .text : { *(.text) INCLUDE body.ld } > RAM :text
                    INCLUDE sections.ld
                }
                """);
        LinkScript s = Parser.parse(main);
        assertEquals("_start", s.entry());
        assertEquals("RAM", s.memory().get(0).name());
        assertEquals(List.of(".text", ".rodata"), s.outputSections().stream().map(Statement.OutputSection::name).toList());
        assertEquals(3, s.outputSections().get(0).body().size());
        assertEquals(6, s.sources().size());
        Statement.Assignment stack = (Statement.Assignment) s.commands().get(0);
        assertEquals(sub.resolve("top.ld") + ":1:1", stack.at().toString(), "locations name the INCLUDEd file");

        java.nio.file.Files.writeString(main, "SECTIONS { INCLUDE bad.ld }");
        LinkException e = assertThrows(LinkException.class, () -> Parser.parse(main));
        assertEquals(sub.resolve("bad.ld") + ":2:1: unexpected '}' in an INCLUDEd file (it must hold whole SECTIONS "
                + "commands)", e.getMessage());
        java.nio.file.Files.writeString(main, "INCLUDE loop.ld");
        e = assertThrows(LinkException.class, () -> Parser.parse(main));
        assertTrue(e.getMessage().startsWith(sub.resolve("loop.ld") + ":1:1: INCLUDE loop.ld includes itself"),
                e.getMessage());
    }
}
