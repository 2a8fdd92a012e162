package org.capazos.imagegen.script;

/**
 * The value of a link-script expression as GNU ld computes it: a number and the section it is relative to.
 * GNU ld keeps three kinds of values apart, and the difference shows when a value is assigned:
 * <ul>
 *   <li>a plain <em>number</em> ({@code section == null}): a literal, {@code SIZEOF}, a comparison...; assigned
 *       to a symbol or to {@code .} inside an output section it is an offset from the start of that section;</li>
 *   <li>an <em>absolute</em> value ({@code section == }{@link #ABS}): outside output sections literals are
 *       absolute; {@code ABSOLUTE(e)} and {@code LOADADDR} always are;</li>
 *   <li>a value <em>relative</em> to an output section ({@code section} is its name): {@code .}, {@code ADDR},
 *       symbols defined in sections; its address is the section's address plus {@code value}.</li>
 * </ul>
 *
 * @param value   the number, absolute address, or offset from the section's start
 * @param section null for a number, {@link #ABS}, or the output section's name
 */
public record Value(long value, String section) {
    /** The name GNU ld gives the absolute section. */
    public static final String ABS = "*ABS*";

    /** A plain number. */
    public static Value number(long v) {
        return new Value(v, null);
    }

    /** An absolute value. */
    public static Value absolute(long v) {
        return new Value(v, ABS);
    }

    /** True for a plain number. */
    public boolean isNumber() {
        return section == null;
    }

    /** True for an absolute value. */
    public boolean isAbsolute() {
        return ABS.equals(section);
    }

    /** True for a value relative to an output section. */
    public boolean isRelative() {
        return section != null && !isAbsolute();
    }
}
