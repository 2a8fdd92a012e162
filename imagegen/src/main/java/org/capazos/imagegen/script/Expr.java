package org.capazos.imagegen.script;

import java.util.List;

/** An expression of a link script. Every node knows where it was written, for error messages. */
public sealed interface Expr {
    /** Where the expression starts. */
    SourceLocation at();

    /**
     * An integer literal.
     *
     * @param value the value (suffixes applied)
     * @param hex   for a literal written {@code 0x<digits>} without a K/M suffix, the digits as written (a fill
     *              pattern of that many bytes, as GNU ld reads {@code =0x90}); otherwise null
     */
    record Num(long value, String hex, SourceLocation at) implements Expr {
        public Num(long value, SourceLocation at) {
            this(value, null, at);
        }
    }

    /** The location counter {@code .}. */
    record Dot(SourceLocation at) implements Expr { }

    /** A symbol's value. */
    record Sym(String name, SourceLocation at) implements Expr { }

    /** {@code -x}, {@code ~x}, {@code !x}, {@code +x}. */
    record Unary(String op, Expr operand, SourceLocation at) implements Expr { }

    /** {@code l op r} for the C operators {@code * / % + - << >> < <= > >= == != & ^ | && ||}. */
    record Binary(String op, Expr left, Expr right, SourceLocation at) implements Expr { }

    /** {@code c ? t : f}. */
    record Conditional(Expr condition, Expr ifTrue, Expr ifFalse, SourceLocation at) implements Expr { }

    /**
     * {@code ALIGN(a)}, {@code ALIGN(e, a)}, {@code ABSOLUTE(e)}, {@code MAX(a, b)}, {@code MIN(a, b)},
     * {@code LOG2CEIL(e)}, {@code NEXT(e)}.
     */
    record Call(String function, List<Expr> args, SourceLocation at) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code ADDR(sec)}, {@code LOADADDR(sec)}, {@code SIZEOF(sec)}, {@code ALIGNOF(sec)}. */
    record SectionQuery(SectionFn function, String section, SourceLocation at) implements Expr { }

    /** {@code ORIGIN(region)}, {@code LENGTH(region)}. */
    record RegionQuery(boolean origin, String region, SourceLocation at) implements Expr { }

    /** {@code DEFINED(sym)}: 1 if the symbol is defined (by a module, a defsym or an earlier assignment). */
    record Defined(String symbol, SourceLocation at) implements Expr { }

    /** {@code SIZEOF_HEADERS}: the size of the ELF header and program headers. */
    record SizeofHeaders(SourceLocation at) implements Expr { }

    /** {@code CONSTANT(MAXPAGESIZE)} or {@code CONSTANT(COMMONPAGESIZE)}. */
    record Constant(String name, SourceLocation at) implements Expr { }

    /** {@code SEGMENT_START("segment", default)}: the default unless the linker is told a start for it. */
    record SegmentStart(String segment, Expr fallback, SourceLocation at) implements Expr { }

    /** The functions of an output section. */
    enum SectionFn { ADDR, LOADADDR, SIZEOF, ALIGNOF }
}
