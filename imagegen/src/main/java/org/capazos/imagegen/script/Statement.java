package org.capazos.imagegen.script;

import java.util.List;

/** A command of a link script: at the top level, inside {@code SECTIONS}, or inside an output section. */
public sealed interface Statement {
    /** Where the statement starts. */
    SourceLocation at();

    /** Whether a symbol assignment is wrapped in {@code PROVIDE} or {@code PROVIDE_HIDDEN}. */
    enum Provide { NONE, PROVIDE, PROVIDE_HIDDEN }

    /**
     * {@code symbol op expr;} where op is {@code =} or a compound operator ({@code +=}, {@code <<=}...);
     * {@code symbol} is {@code .} for the location counter.
     */
    record Assignment(String symbol, String op, Expr value, Provide provide, SourceLocation at) implements Statement {
        /** True if this assigns the location counter. */
        public boolean isDot() {
            return symbol.equals(".");
        }
    }

    /** {@code ASSERT(condition, "message")}: checked once the layout is final. */
    record Assertion(Expr condition, String message, SourceLocation at) implements Statement { }

    /**
     * An input section description: {@code filePattern(sectionPattern...)}, optionally in {@code KEEP(...)}.
     * The file pattern matches module names.
     */
    record InputSpec(boolean keep, Glob file, List<Glob> sections, SourceLocation at) implements Statement {
        public InputSpec {
            sections = List.copyOf(sections);
        }

        /** True if a section named {@code section} of module {@code module} is selected. */
        public boolean matches(String module, String section) {
            if (!file.matches(module)) return false;
            for (Glob g : sections) if (g.matches(section)) return true;
            return false;
        }
    }

    /**
     * An output section description:
     * {@code name [address] [(NOLOAD)] : [AT(lma)] [ALIGN(align)] { body } [>region] [AT>lmaRegion]}.
     * A name of {@code /DISCARD/} discards what it gathers.
     *
     * @param name      the output section's name
     * @param address   the VMA expression, or null to continue at the location counter
     * @param noload    {@code (NOLOAD)}: occupies memory but no file bytes
     * @param lma       {@code AT(expr)}, or null
     * @param align     {@code ALIGN(expr)}, or null
     * @param region    {@code >region}, or null
     * @param lmaRegion {@code AT>region}, or null
     * @param body      input section descriptions, assignments and assertions
     * @param at        where the name is written
     */
    record OutputSection(String name, Expr address, boolean noload, Expr lma, Expr align, String region,
                         String lmaRegion, List<Statement> body, SourceLocation at) implements Statement {
        public OutputSection {
            body = List.copyOf(body);
        }

        /** True for {@code /DISCARD/}. */
        public boolean isDiscard() {
            return name.equals("/DISCARD/");
        }
    }
}
