package org.capazos.imagegen.script;

/**
 * What an expression can see while it is evaluated: the location counter, symbols, output sections and
 * memory regions. The linker implements it; each method throws a {@link org.capazos.imagegen.LinkException}
 * naming {@code at} when the thing asked for does not exist.
 */
public interface Environment {
    /** The location counter {@code .}. */
    long dot(SourceLocation at);

    /** The value of symbol {@code name}. */
    long symbol(String name, SourceLocation at);

    /** True if {@code name} is defined at this point of the script. */
    boolean isDefined(String name);

    /** {@code ADDR}, {@code LOADADDR}, {@code SIZEOF} or {@code ALIGNOF} of an output section. */
    long section(Expr.SectionFn function, String name, SourceLocation at);

    /** {@code ORIGIN} (origin = true) or {@code LENGTH} of a memory region. */
    long region(boolean origin, String name, SourceLocation at);

    /**
     * True while values may still be provisional (an early layout pass, where forward references are not yet
     * settled): then a zero divisor or an alignment that is not a power of two is not an error yet.
     */
    default boolean isTentative() {
        return false;
    }
}
