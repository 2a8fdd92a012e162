package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Operators, functions, the sections of values (GNU ld's ldexp.c rules) and the errors of evaluation. The
 * expected values were checked against GNU ld 2.40 (aarch64-linux-gnu-ld); see also the differential tests.
 */
class EvaluatorTest {
    /**
     * A fixed environment: dot = 0x1003, symbols a = 5 and b = 0x10 (absolute), t = .text+8; section .text at
     * 0x1000 (LMA 0x2000, size 0x20), .data at 0x3000; region RAM at 0x40000000 (0x1000 long). Evaluated
     * outside sections unless {@code current} names one.
     */
    static final class Env implements Environment {
        final String current;

        Env() {
            this(null);
        }

        Env(String current) {
            this.current = current;
        }

        @Override
        public long dot(SourceLocation at) {
            return 0x1003;
        }

        @Override
        public long symbol(String name, SourceLocation at) {
            return Evaluator.address(symbolValue(name, at), this, at);
        }

        @Override
        public Value symbolValue(String name, SourceLocation at) {
            if (name.equals("t")) return new Value(8, ".text");
            Long v = Map.of("a", 5L, "b", 0x10L).get(name);
            if (v == null) throw LinkException.at(at, "undefined symbol '" + name + "'");
            return Value.absolute(v);
        }

        @Override
        public boolean isDefined(String name) {
            return name.equals("a") || name.equals("b") || name.equals("t");
        }

        @Override
        public String currentSection() {
            return current;
        }

        @Override
        public long section(Expr.SectionFn function, String name, SourceLocation at) {
            long base = switch (name) {
                case ".text" -> 0x1000;
                case ".data" -> 0x3000;
                default -> throw LinkException.at(at, "undefined output section '" + name + "'");
            };
            return switch (function) {
                case ADDR -> base;
                case LOADADDR -> base + 0x1000;
                case SIZEOF -> 0x20;
                case ALIGNOF -> 8;
            };
        }

        @Override
        public long region(boolean origin, String name, SourceLocation at) {
            return origin ? 0x40000000L : 0x1000;
        }
    }

    static long eval(String e) {
        return Evaluator.eval(Parser.parseExpression("e", e), new Env());
    }

    static Value value(String e, String section) {
        return Evaluator.evaluate(Parser.parseExpression("e", e), new Env(section));
    }

    @Test
    void arithmeticIsGnuLds() {
        assertEquals(-1L, eval("0 - 1"));
        assertEquals(0, eval("(0 - 1) / 2"), "division is signed, as in GNU ld");
        assertEquals(-3, eval("-7 / 2"));
        assertEquals(-1, eval("-7 % 2"), "so is the remainder");
        assertEquals(1, eval("(0 - 1) > 1"), "comparisons are unsigned");
        assertEquals(0x7fffffffffffffffL, eval("(0 - 1) >> 1"), "logical shift");
        assertEquals(0x7fffffffffffffffL, eval("0xffffffffffffffff >> 65"), "shift counts are modulo 64");
        assertEquals(1, eval("1 << 64"));
        assertEquals(3, eval("11 % 4"));
        assertEquals(0xffff000040100000L - 0x40100000L, eval("0xFFFF000040100000 - 0x40100000"));
        assertEquals(0xf0, eval("0xff ^ 0x0f"));
        assertEquals(3, eval("LOG2CEIL(5)"));
        assertEquals(0, eval("LOG2CEIL(1)"));
        assertEquals(12, eval("LOG2CEIL(4096)"));
        assertEquals(0x10000 + 0x1000, eval("CONSTANT(MAXPAGESIZE) + CONSTANT(COMMONPAGESIZE)"));
    }

    @Test
    void functionsAndSymbols() {
        assertEquals(0x1010, eval("ALIGN(16)"), "ALIGN(a) aligns the location counter");
        assertEquals(0x2000, eval("ALIGN(0x1001, 4K)"));
        assertEquals(0x1005, eval("ALIGN(3)"), "GNU ld aligns to any multiple");
        assertEquals(0x1010, eval("NEXT(16)"));
        assertEquals(0x1010, eval("BLOCK(16)"));
        assertEquals(0x1003, eval("ABSOLUTE(.)"));
        assertEquals(0x10, eval("MAX(a, b)"));
        assertEquals(5, eval("MIN(a, b)"));
        assertEquals(1, eval("DEFINED(a)"));
        assertEquals(0, eval("DEFINED(zz)"));
        assertEquals(0x1000 + 0x2000 + 0x20 + 8, eval("ADDR(.text) + LOADADDR(.text) + SIZEOF(.text) + ALIGNOF(.text)"));
        assertEquals(0x40001000L, eval("ORIGIN(RAM) + LENGTH(RAM)"));
        assertEquals(5, eval("DEFINED(zz) ? zz : a"), "the branch not taken is not evaluated");
        assertEquals(0x400000, eval("SEGMENT_START(\"text-segment\", 0x400000)"));
        assertEquals(0x1008, eval("t"));
    }

    @Test
    void valuesKeepTheirSectionAsInGnuLd() {
        // outside sections: literals are absolute, . and ADDR are relative
        assertEquals(Value.absolute(0x10), value("0x10", null));
        assertEquals(new Value(0x1003, Value.ABS), value(".", null));
        assertEquals(Value.absolute(0x1004), value("ADDR(.text) + 4", null), "a literal is absolute out here");
        assertEquals(new Value(0x20, ".text"), value("ADDR(.text) + SIZEOF(.data)", null), "a number keeps the section");
        assertEquals(Value.absolute(4), value("ADDR(.data) + 4 - ADDR(.data)", null), "same section: absolute");
        assertEquals(Value.absolute(0x2000), value("ADDR(.data) - ADDR(.text)", null), "different: addresses");
        assertEquals(Value.absolute(0x4000), value("LOADADDR(.data)", null));
        // inside .text: literals and absolute symbols are plain numbers, . is an offset
        assertEquals(Value.number(0x10), value("0x10", ".text"));
        assertEquals(Value.number(5), value("a", ".text"));
        assertEquals(new Value(3, ".text"), value(".", ".text"));
        assertEquals(new Value(0x10, ".text"), value("ALIGN(16)", ".text"));
        assertEquals(Value.number(0x20), value("SIZEOF(.text)", ".text"));
        assertEquals(Value.number(5), value("t - ADDR(.text) - 3", ".text"), "same section inside: a number");
        assertEquals(Value.absolute(5), value("ABSOLUTE(5)", ".text"));
        assertEquals(Value.number(1), value(". > 2", ".text"), "comparisons are numbers (of the offset here)");
        assertEquals(new Value(8, ".text"), value("MAX(t, 5)", ".text"));
    }

    @Test
    void errorsNameThePlace() {
        assertEquals("e:1:8: division by zero", assertThrows(LinkException.class, () -> eval("a + (1 / 0)")).getMessage());
        assertEquals("e:1:3: modulo by zero", assertThrows(LinkException.class, () -> eval("1 % 0")).getMessage());
        assertEquals("e:1:5: undefined symbol 'zz'", assertThrows(LinkException.class, () -> eval("1 + zz")).getMessage());
        assertEquals("e:1:6: undefined symbol 'zz'", assertThrows(LinkException.class, () -> eval("0 && zz")).getMessage(),
                "&& and || evaluate both operands, as in GNU ld");
        assertEquals("e:1:1: undefined output section '.nope'",
                assertThrows(LinkException.class, () -> eval("SIZEOF(.nope)")).getMessage());
    }
}
