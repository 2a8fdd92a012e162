package org.capazos.dsl.module;

/**
 * A symbol of a module.
 *
 * @param name    the name
 * @param section the defining section's name; {@code null} if undefined (needed from another module),
 *                {@link #ABSOLUTE} for an absolute value
 * @param value   the offset in the section (or the absolute value)
 * @param size    the size in bytes (functions and objects), 0 if unknown
 * @param binding local, global or weak
 * @param type    function, object, section or none
 */
public record ModuleSymbol(String name, String section, long value, long size, Binding binding, Type type) {
    public static final String ABSOLUTE = "*ABS*";

    public enum Binding { LOCAL, GLOBAL, WEAK }

    public enum Type { NOTYPE, OBJECT, FUNC, SECTION }

    public boolean isDefined() {
        return section != null;
    }
}
