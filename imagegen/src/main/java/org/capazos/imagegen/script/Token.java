package org.capazos.imagegen.script;

/**
 * One token of a link script.
 *
 * @param kind  what it is
 * @param text  its text as written (for {@link Kind#STRING}: without the quotes)
 * @param value the value of a {@link Kind#NUMBER} (suffixes K and M applied), else 0
 * @param at    where it starts
 */
public record Token(Kind kind, String text, long value, SourceLocation at) {
    /** Token kinds. */
    public enum Kind {
        /** A name: symbol, keyword, section name or wildcard pattern. */
        NAME,
        /** An integer literal. */
        NUMBER,
        /** A double-quoted string. */
        STRING,
        /** An operator or punctuation: {@code ( ) { } ; , = += ... << >> && || ? :}. */
        OP,
        /** The end of the script. */
        EOF
    }

    /** True if this is the operator or punctuation {@code op}. */
    public boolean is(String op) {
        return kind == Kind.OP && text.equals(op);
    }

    /** True if this is the name {@code name} (keywords are case-sensitive, as in GNU ld). */
    public boolean isName(String name) {
        return kind == Kind.NAME && text.equals(name);
    }

    /** How the token reads in an error message. */
    public String describe() {
        return switch (kind) {
            case EOF -> "end of file";
            case STRING -> "\"" + text + "\"";
            default -> "'" + text + "'";
        };
    }
}
