package org.capazos.imagegen.script;

/**
 * A region of a {@code MEMORY} command: {@code name (attributes) : ORIGIN = origin, LENGTH = length}.
 * The attributes choose the region of output sections that have neither an address nor {@code >region}, as
 * in GNU ld: {@code R} read-only, {@code W} read/write, {@code X} executable, {@code A} allocated, {@code I}
 * and {@code L} initialised sections; {@code !} negates the letters after it.
 */
public record MemoryRegion(String name, String attributes, Expr origin, Expr length, SourceLocation at) {
    /** Attribute bits (GNU ld's SEC_READONLY, SEC_DATA, SEC_CODE, SEC_ALLOC, SEC_LOAD). */
    public static final int READONLY = 1, DATA = 2, CODE = 4, ALLOC = 8, LOAD = 16;

    /** The attribute bits before any {@code !}. */
    public int flags() {
        return bits(false);
    }

    /** The attribute bits after a {@code !}. */
    public int notFlags() {
        return bits(true);
    }

    /** The bit of one attribute letter, or -1 if it is not one. */
    public static int bit(char c) {
        return switch (Character.toUpperCase(c)) {
            case 'R' -> READONLY;
            case 'W' -> DATA;
            case 'X' -> CODE;
            case 'A' -> ALLOC;
            case 'I', 'L' -> LOAD;
            default -> -1;
        };
    }

    private int bits(boolean negated) {
        int out = 0;
        boolean not = false;
        for (char c : attributes.toCharArray()) {
            if (c == '!') {
                not = !not;
                continue;
            }
            int b = bit(c);
            if (b > 0 && not == negated) out |= b;
        }
        return out;
    }

    /** True if a section with GNU flags {@code sectionFlags} may be placed here by attribute (lang_memory_default). */
    public boolean accepts(int sectionFlags) {
        return (flags() & sectionFlags) != 0 && (notFlags() & sectionFlags) == 0;
    }
}
