package org.capazos.imagegen.script;

import java.util.ArrayList;
import java.util.List;

/** A command of a link script: at the top level, inside {@code SECTIONS}, or inside an output section. */
public sealed interface Statement {
    /** Where the statement starts. */
    SourceLocation at();

    /**
     * How a symbol assignment is wrapped: not at all, in {@code PROVIDE} or {@code PROVIDE_HIDDEN} (defined only
     * if referenced and not defined elsewhere), or in {@code HIDDEN} (always defined, local to the image).
     */
    enum Provide { NONE, PROVIDE, PROVIDE_HIDDEN, HIDDEN }

    /**
     * {@code symbol op expr;} where op is {@code =} or a compound operator ({@code +=}, {@code <<=}...);
     * {@code symbol} is {@code .} for the location counter.
     */
    record Assignment(String symbol, String op, Expr value, Provide provide, SourceLocation at) implements Statement {
        /** True if this assigns the location counter. */
        public boolean isDot() {
            return symbol.equals(".");
        }

        /** True for {@code PROVIDE} and {@code PROVIDE_HIDDEN}: only defined if needed. */
        public boolean isProvide() {
            return provide == Provide.PROVIDE || provide == Provide.PROVIDE_HIDDEN;
        }

        /** True for {@code PROVIDE_HIDDEN} and {@code HIDDEN}: the symbol is local to the image. */
        public boolean isHidden() {
            return provide == Provide.PROVIDE_HIDDEN || provide == Provide.HIDDEN;
        }

        /** The value assigned: {@code value} for {@code =}, {@code symbol op value} for a compound operator. */
        public Expr effectiveValue() {
            if (op.equals("=")) return value;
            Expr self = isDot() ? new Expr.Dot(at) : new Expr.Sym(symbol, at);
            return new Expr.Binary(op.substring(0, op.length() - 1), self, value, at);
        }
    }

    /** {@code ASSERT(condition, "message")}: checked once the layout is final. */
    record Assertion(Expr condition, String message, SourceLocation at) implements Statement { }

    /** How {@code SORT_BY_...} orders the sections one pattern matches (GNU ld's sort_type). */
    enum Sort {
        /** Input order ({@code SORT_NONE} too). */
        NONE,
        /** {@code SORT} / {@code SORT_BY_NAME}. */
        BY_NAME,
        /** {@code SORT_BY_ALIGNMENT}: larger alignment first. */
        BY_ALIGNMENT,
        /** {@code SORT_BY_NAME(SORT_BY_ALIGNMENT(...))}: by name, then by alignment. */
        BY_NAME_ALIGNMENT,
        /** {@code SORT_BY_ALIGNMENT(SORT_BY_NAME(...))}: by alignment, then by name. */
        BY_ALIGNMENT_NAME,
        /** {@code SORT_BY_INIT_PRIORITY}: by the numeric suffix of {@code .init_array.N}, {@code .ctors.N}... */
        BY_INIT_PRIORITY
    }

    /**
     * One section name pattern of an input section description, with the files it excludes
     * ({@code EXCLUDE_FILE(...)} written just before it) and its sort order.
     */
    record SectionPattern(Glob pattern, List<Glob> excludeFiles, Sort sort) {
        public SectionPattern {
            excludeFiles = List.copyOf(excludeFiles);
        }

        /** True if section {@code section} of module {@code module} is matched. */
        public boolean matches(String module, String section) {
            if (!pattern.matches(section)) return false;
            for (Glob g : excludeFiles) if (g.matches(module)) return false;
            return true;
        }
    }

    /**
     * An input section description: {@code [EXCLUDE_FILE(f...)] filePattern(sectionPattern...)}, optionally
     * in {@code KEEP(...)}, with the file pattern optionally in {@code SORT(...)}. The file pattern matches
     * module names. No section patterns (a file name alone) selects every section of the matching files.
     *
     * @param keep         in {@code KEEP(...)} (there is no garbage collection, so this documents intent)
     * @param file         the file (module name) pattern
     * @param sortFiles    {@code SORT(file)} / {@code SORT_BY_NAME(file)}: files in name order
     * @param excludeFiles {@code EXCLUDE_FILE} before the file pattern: excluded for every section pattern
     * @param patterns     the section patterns (empty: every section)
     */
    record InputSpec(boolean keep, Glob file, boolean sortFiles, List<Glob> excludeFiles,
                     List<SectionPattern> patterns, SourceLocation at) implements Statement {
        public InputSpec {
            excludeFiles = List.copyOf(excludeFiles);
            patterns = List.copyOf(patterns);
        }

        /** A plain description {@code file(sections...)}. */
        public InputSpec(boolean keep, Glob file, List<Glob> sections, SourceLocation at) {
            this(keep, file, false, List.of(), sections.stream()
                    .map(g -> new SectionPattern(g, List.of(), Sort.NONE)).toList(), at);
        }

        /** True if the file pattern (and the exclusions written before it) accept module {@code module}. */
        public boolean matchesFile(String module) {
            if (!file.matches(module)) return false;
            for (Glob g : excludeFiles) if (g.matches(module)) return false;
            return true;
        }

        /** The first pattern that selects section {@code section} of module {@code module}, or null. */
        public SectionPattern match(String module, String section) {
            if (!matchesFile(module)) return null;
            if (patterns.isEmpty()) return new SectionPattern(Glob.of("*"), List.of(), Sort.NONE);
            for (SectionPattern p : patterns) if (p.matches(module, section)) return p;
            return null;
        }

        /** True if a section named {@code section} of module {@code module} is selected. */
        public boolean matches(String module, String section) {
            return match(module, section) != null;
        }

        /** True if the matched sections are reordered ({@code SORT...} on the file or a section pattern). */
        public boolean isSorted() {
            if (sortFiles) return true;
            for (SectionPattern p : patterns) if (p.sort() != Sort.NONE) return true;
            return false;
        }

        /** The section patterns, without their exclusions and sort orders. */
        public List<Glob> sections() {
            List<Glob> out = new ArrayList<>();
            for (SectionPattern p : patterns) out.add(p.pattern());
            return out;
        }
    }

    /**
     * A data command inside an output section: {@code BYTE(e)}, {@code SHORT(e)}, {@code LONG(e)},
     * {@code QUAD(e)} or {@code SQUAD(e)}: {@code size} bytes, little-endian, at the location counter.
     */
    record Data(String kind, int size, Expr value, SourceLocation at) implements Statement { }

    /** {@code FILL(e)} inside an output section: the fill pattern for the gaps that follow. */
    record Fill(Expr pattern, SourceLocation at) implements Statement { }

    /**
     * An output section description:
     * {@code name [addr] [(NOLOAD)] : [AT(lma)] [ALIGN(align)] { body } [>region] [AT>lmaRegion] [:phdr...] [=fill]}.
     * A name of {@code /DISCARD/} discards what it gathers.
     *
     * @param name      the output section's name
     * @param address   the VMA expression, or null to continue at the location counter (or the region)
     * @param noload    {@code (NOLOAD)}: occupies memory but no file bytes
     * @param lma       {@code AT(expr)}, or null
     * @param align     {@code ALIGN(expr)}, or null
     * @param region    {@code >region}, or null
     * @param lmaRegion {@code AT>region}, or null
     * @param phdrs     the {@code :phdr} names, or null when none is written (the previous section's apply)
     * @param fill      the {@code =fill} expression, or null
     * @param body      input section descriptions, assignments, data, fills and assertions
     * @param at        where the name is written
     */
    record OutputSection(String name, Expr address, boolean noload, Expr lma, Expr align, String region,
                         String lmaRegion, List<String> phdrs, Expr fill, List<Statement> body, SourceLocation at)
            implements Statement {
        public OutputSection {
            body = List.copyOf(body);
            phdrs = phdrs == null ? null : List.copyOf(phdrs);
        }

        /** An output section without program headers or fill. */
        public OutputSection(String name, Expr address, boolean noload, Expr lma, Expr align, String region,
                             String lmaRegion, List<Statement> body, SourceLocation at) {
            this(name, address, noload, lma, align, region, lmaRegion, null, null, body, at);
        }

        /** True for {@code /DISCARD/}. */
        public boolean isDiscard() {
            return name.equals("/DISCARD/");
        }
    }
}
