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
        assertEquals(new Statement.Assignment("BASE", "=", new Expr.Num(0x1000, loc(6, 8)), Statement.Provide.NONE,
                loc(6, 1)), c.get(0));
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
    }

    private static long eval(String e) {
        return Evaluator.eval(Parser.parseExpression("e", e), new EvaluatorTest.Env());
    }

    private static SourceLocation loc(int line, int col) {
        return new SourceLocation("t.ld", line, col);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            OUTPUT_FORMAT("elf64-littleaarch64")                      | t.ld:1:1: unsupported linker script construct 'OUTPUT_FORMAT'
            SECTIONS {\\n .text : { *(SORT(.text*)) } }                | t.ld:2:14: unsupported linker script construct 'SORT'
            SECTIONS {\\n .text : { *(.text) BYTE(1) } }               | t.ld:2:21: unsupported linker script construct 'BYTE'
            SECTIONS {\\n .text : { EXCLUDE_FILE(a.o) *(.text) } }     | t.ld:2:12: unsupported linker script construct 'EXCLUDE_FILE'
            SECTIONS {\\n OVERLAY : { } }                              | t.ld:2:2: unsupported linker script construct 'OVERLAY'
            SECTIONS {\\n .text : { *(.text) } :text }                 | t.ld:2:23: unsupported linker script construct ':phdr'
            SECTIONS {\\n .text : { *(.text) } =0x90 }                 | t.ld:2:23: unsupported linker script construct '=fill'
            SECTIONS {\\n .text (COPY) : { } }                         | t.ld:2:9: unsupported output section type 'COPY'
            SECTIONS {\\n .text : SUBALIGN(4) { } }                    | t.ld:2:10: unsupported linker script construct 'SUBALIGN'
            x = SIZEOF_HEADERS;                                       | t.ld:1:5: unsupported linker script construct 'SIZEOF_HEADERS'
            x = CONSTANT(MAXPAGESIZE);                                | t.ld:1:5: unsupported linker script construct 'CONSTANT'
            x = FOO(1);                                               | t.ld:1:5: unknown function 'FOO'
            x = ALIGN(1, 2, 3);                                       | t.ld:1:5: ALIGN takes 1 or 2 arguments, not 3
            x = 1 +;                                                  | t.ld:1:8: expected an expression, found ';'
            x = 1                                                     | t.ld:1:6: expected ';', found end of file
            x = 0x1G;                                                 | t.ld:1:5: malformed number '0x1G'
            x = 1 @ 2;                                                | t.ld:1:7: unexpected character '@'
            /* never closed                                           | t.ld:1:1: unterminated comment
            ASSERT(1, "never closed)                                  | t.ld:1:11: unterminated string
            ASSERT(1, 2)                                              | t.ld:1:11: expected a message string in ASSERT, found '2'
            ENTRY(a) ENTRY(b)                                         | t.ld:1:10: ENTRY given twice (first at t.ld:1:1)
            foo bar;                                                  | t.ld:1:1: unknown command 'foo'
            SECTIONS {\\n .text : { foo } }                            | t.ld:2:16: expected '(' after input file pattern 'foo', found '}'
            SECTIONS {\\n .text : { *() } }                            | t.ld:2:12: input section description without a section pattern
            SECTIONS {\\n .text : { *(.text) }                         | t.ld:2:22: missing '}' of SECTIONS
            SECTIONS {\\n .text : { *(.text)                           | t.ld:2:20: missing '}' of output section .text
            SECTIONS {\\n .text : AT(0) { } AT> ROM }                  | t.ld:2:2: output section .text has both AT(...) and AT>region
            SECTIONS {\\n .text : BOGUS { } }                          | t.ld:2:10: unexpected 'BOGUS' in the description of output section .text (expected AT(...), ALIGN(...) or '{')
            MEMORY { RAM : START = 0 }                                | t.ld:1:16: expected ORIGIN or LENGTH, found 'START'
            PROVIDE(x += 1);                                          | t.ld:1:1: PROVIDE needs '=', not '+='
            """)
    void errorsNameThePlaceAndTheConstruct(String script, String message) {
        LinkException e = error(script.replace("\\n", "\n"));
        assertTrue(e.getMessage().startsWith(message), "expected '" + message + "...', got: " + e.getMessage());
    }

    @Test
    void quotedSymbolNamesAndSectionNamesWithDashesAreRead() {
        LinkScript s = parse("\"odd name\" = 1; SECTIONS { .text-x : { *(.text-x) } }");
        assertEquals("odd name", ((Statement.Assignment) s.commands().get(0)).symbol());
        assertEquals(".text-x", ((Statement.OutputSection) s.commands().get(1)).name());
    }
}
