package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;

/**
 * What an expression can see while it is evaluated: the location counter, symbols, output sections and
 * memory regions. The linker implements it; each method throws a {@link LinkException} naming {@code at} when
 * the thing asked for does not exist.
 */
public interface Environment {
    /** The location counter {@code .}, as an address. */
    long dot(SourceLocation at);

    /** The address (or absolute value) of symbol {@code name}. */
    long symbol(String name, SourceLocation at);

    /**
     * The value of symbol {@code name} with its section (see {@link Value}): absolute for symbols that are
     * absolute, relative to its output section otherwise. The default treats every symbol as absolute.
     */
    default Value symbolValue(String name, SourceLocation at) {
        return Value.absolute(symbol(name, at));
    }

    /** True if {@code name} is defined at this point of the script. */
    boolean isDefined(String name);

    /** {@code ADDR}, {@code LOADADDR}, {@code SIZEOF} or {@code ALIGNOF} of an output section. */
    long section(Expr.SectionFn function, String name, SourceLocation at);

    /** {@code ORIGIN} (origin = true) or {@code LENGTH} of a memory region. */
    long region(boolean origin, String name, SourceLocation at);

    /**
     * The output section whose description is being evaluated, or null outside output sections (where GNU ld
     * treats literals as absolute).
     */
    default String currentSection() {
        return null;
    }

    /** {@code SIZEOF_HEADERS}. */
    default long sizeofHeaders(SourceLocation at) {
        throw LinkException.at(at, "SIZEOF_HEADERS is not available here");
    }

    /** {@code SEGMENT_START(segment, fallback)}: {@code fallback} unless a start was given for the segment. */
    default long segmentStart(String segment, long fallback) {
        return fallback;
    }

    /**
     * True while values may still be provisional (an early layout pass, where forward references are not yet
     * settled): then a zero divisor is not an error yet.
     */
    default boolean isTentative() {
        return false;
    }
}
