package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Operators, functions and the errors of evaluation. */
class EvaluatorTest {
    /** A fixed environment: dot = 0x1003, symbols a = 5, b = 0x10, section .text at 0x1000 (LMA 0x2000, size 0x20). */
    static final class Env implements Environment {
        @Override
        public long dot(SourceLocation at) {
            return 0x1003;
        }

        @Override
        public long symbol(String name, SourceLocation at) {
            Long v = Map.of("a", 5L, "b", 0x10L).get(name);
            if (v == null) throw LinkException.at(at, "undefined symbol '" + name + "'");
            return v;
        }

        @Override
        public boolean isDefined(String name) {
            return name.equals("a") || name.equals("b");
        }

        @Override
        public long section(Expr.SectionFn function, String name, SourceLocation at) {
            if (!name.equals(".text")) throw LinkException.at(at, "undefined output section '" + name + "'");
            return switch (function) {
                case ADDR -> 0x1000;
                case LOADADDR -> 0x2000;
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

    @Test
    void arithmeticIsUnsigned64Bit() {
        assertEquals(-1L, eval("0 - 1"));
        assertEquals(0x7fffffffffffffffL, eval("(0 - 1) / 2"), "unsigned division");
        assertEquals(1, eval("(0 - 1) > 1"), "unsigned comparison");
        assertEquals(0x7fffffffffffffffL, eval("(0 - 1) >> 1"), "logical shift");
        assertEquals(3, eval("11 % 4"));
        assertEquals(0xffff000040100000L - 0x40100000L, eval("0xFFFF000040100000 - 0x40100000"));
        assertEquals(0xf0, eval("0xff ^ 0x0f"));
        assertEquals(0, eval("1 << 64"));
    }

    @Test
    void functionsAndSymbols() {
        assertEquals(0x1010, eval("ALIGN(16)"), "ALIGN(a) aligns the location counter");
        assertEquals(0x2000, eval("ALIGN(0x1001, 4K)"));
        assertEquals(0x1003, eval("ABSOLUTE(.)"));
        assertEquals(0x10, eval("MAX(a, b)"));
        assertEquals(5, eval("MIN(a, b)"));
        assertEquals(1, eval("DEFINED(a)"));
        assertEquals(0, eval("DEFINED(zz)"));
        assertEquals(0x1000 + 0x2000 + 0x20 + 8, eval("ADDR(.text) + LOADADDR(.text) + SIZEOF(.text) + ALIGNOF(.text)"));
        assertEquals(0x40001000L, eval("ORIGIN(RAM) + LENGTH(RAM)"));
        assertEquals(5, eval("DEFINED(zz) ? zz : a"), "the branch not taken is not evaluated");
        assertEquals(0, eval("0 && zz"));
        assertEquals(1, eval("1 || zz"));
    }

    @Test
    void errorsNameThePlace() {
        assertEquals("e:1:8: division by zero", assertThrows(LinkException.class, () -> eval("a + (1 / 0)")).getMessage());
        assertEquals("e:1:3: modulo by zero", assertThrows(LinkException.class, () -> eval("1 % 0")).getMessage());
        assertEquals("e:1:1: alignment 0x3 is not a power of two",
                assertThrows(LinkException.class, () -> eval("ALIGN(3)")).getMessage());
        assertEquals("e:1:5: undefined symbol 'zz'", assertThrows(LinkException.class, () -> eval("1 + zz")).getMessage());
        assertEquals("e:1:1: undefined output section '.nope'",
                assertThrows(LinkException.class, () -> eval("SIZEOF(.nope)")).getMessage());
    }
}
