package org.capazos.dsl.text;

import keystone.Keystone;
import keystone.KeystoneArchitecture;
import keystone.KeystoneEncoded;
import keystone.KeystoneMode;
import org.capazos.dsl.Assembler;
import org.capazos.dsl.BarrierOption;
import org.capazos.dsl.Condition;
import org.capazos.dsl.EncodingException;
import org.capazos.dsl.Extend;
import org.capazos.dsl.InstructionDispatch;
import org.capazos.dsl.Label;
import org.capazos.dsl.Mem;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.PStateField;
import org.capazos.dsl.Register;
import org.capazos.dsl.Registers;
import org.capazos.dsl.Section;
import org.capazos.dsl.Shift;
import org.capazos.dsl.SystemOperation;
import org.capazos.dsl.SystemRegister;
import org.capazos.dsl.WOrZr;
import org.capazos.dsl.XOrSp;
import org.capazos.dsl.XOrZr;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.isa.RelocKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Assembles a GNU-syntax AArch64 source file (what {@code as} and {@code llvm-mc} read) into a {@link Module}:
 * the directives kernel sources use (sections, symbols, data, alignment, assignments, includes, literal pools,
 * macros, repetitions, conditionals), labels and numeric local labels, expressions with symbol arithmetic,
 * relocation operators ({@code :lo12:}, {@code :abs_g0:}..{@code :abs_g3:} and their {@code _nc} forms,
 * {@code :pg_hi21:}) and {@code ldr Xt, =value}. Instructions are parsed into the Java operand values of the
 * DSL and encoded by the generated {@link Assembler} through {@link InstructionDispatch}, as in
 * {@link TextAssembler}; a form outside the instruction table goes to Keystone.
 *
 * <p>References are resolved at the end, as GNU as does: a PC-relative reference to a local label of the same
 * section is fixed up, anything else becomes an ELF relocation (against the section for local symbols, against
 * the symbol for global and undefined ones), matching what {@code llvm-mc -filetype=obj} writes. Every error is
 * collected (one bad statement does not stop the next) with its file, line and column.
 *
 * <p>Like llvm-mc 14: {@code ldr Xt, =constant} becomes a {@code movz} when one will do, literal-pool entries are
 * shared between equal constants (not between symbols), and pools without {@code .ltorg} go to the end of their
 * section. Not supported: non-allocatable sections with contents (an empty one, such as
 * {@code .note.GNU-stack}, is left out), thread-local and group sections, {@code .req}, {@code .altmacro}, and
 * relocation operators other than those above ({@code :got:}, {@code :tprel:}...). Accepted and ignored:
 * {@code .hidden}/{@code .protected}/{@code .internal} (no effect on a static kernel link), {@code .cfi_*},
 * {@code .file}, {@code .ident}, {@code .loc}, {@code .arch}, {@code .cpu}.
 */
public final class SourceAssembler {
    /** What to assemble with. */
    public static final class Options {
        final List<Path> includeDirs = new ArrayList<>();
        final Map<String, Long> defsyms = new LinkedHashMap<>();
        boolean recordInstructions;
        boolean recordListing;

        /** A directory {@code .include} and {@code .incbin} search after the including file's directory. */
        public Options include(Path dir) {
            includeDirs.add(dir);
            return this;
        }

        /** An absolute symbol defined before the source ({@code --defsym name=value}). */
        public Options defsym(String name, long value) {
            defsyms.put(name, value);
            return this;
        }

        /** Keeps every instruction with its source line (for {@code --show-encoding}). */
        public Options recordInstructions(boolean on) {
            recordInstructions = on;
            return this;
        }

        /** Keeps every source line with the bytes it produced (for {@code --listing}). */
        public Options recordListing(boolean on) {
            recordListing = on;
            return this;
        }
    }

    /**
     * An instruction as assembled.
     *
     * @param section    its section
     * @param offset     its offset in the section
     * @param word       the instruction word as written to the object (local references resolved)
     * @param file       the source file
     * @param line       the source line
     * @param source     the source text (after macro expansion)
     * @param relocation the relocation on this word ({@code R_AARCH64_CALL26 kmain+0}), or null
     */
    public record Instruction(String section, int offset, int word, String file, int line, String source,
                              String relocation) { }

    /**
     * A source line and the bytes it produced.
     *
     * @param section the section the bytes went to (null if none)
     * @param offset  the offset of the first byte
     * @param bytes   the bytes (empty for lines that produce none, or for nobits sections)
     * @param size    the number of bytes (also for nobits sections)
     */
    public record ListingLine(String file, int line, String source, int depth, String section, int offset,
                              byte[] bytes, int size) { }

    /**
     * The outcome: the module (null if there were errors), diagnostics in order, and what was asked to be kept.
     */
    public record Result(Module module, List<SourceError> diagnostics, List<Instruction> instructions,
                         List<ListingLine> listing) {
        public boolean ok() {
            return module != null;
        }

        public List<SourceError> errors() {
            return diagnostics.stream().filter(SourceError::isError).toList();
        }
    }

    // ---- entry points ------------------------------------------------------------------------------------------

    /**
     * Assembles {@code text} (a whole file's contents); {@code fileName} names it in messages. In strings,
     * characters up to U+00FF are bytes (a file is read as ISO-8859-1, so its bytes pass through unchanged);
     * characters beyond are written as UTF-8.
     */
    public static Result assemble(String moduleName, String fileName, String text, Options options) {
        SourceAssembler s = new SourceAssembler(moduleName, options);
        s.pushFile(fileName, text, null);
        return s.run();
    }

    /** Assembles the file at {@code path} (read as bytes: strings keep their bytes exactly). */
    public static Result assembleFile(Path path, Options options) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        SourceAssembler s = new SourceAssembler(stripDir(path.toString()), options);
        s.pushFile(path.toString(), new String(bytes, StandardCharsets.ISO_8859_1), path.toAbsolutePath().getParent());
        return s.run();
    }

    /** Assembles several files one after the other into one module, as GNU as does with several inputs. */
    public static Result assembleFiles(List<Path> paths, Options options) throws IOException {
        if (paths.size() == 1) return assembleFile(paths.get(0), options);
        SourceAssembler s = new SourceAssembler(stripDir(paths.get(0).toString()), options);
        for (int i = paths.size() - 1; i >= 0; i--) {
            Path path = paths.get(i);
            String text = new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
            s.pushFile(path.toString(), text, path.toAbsolutePath().getParent());
        }
        return s.run();
    }

    /** Assembles {@code text} and returns the module, or throws with every error formatted. */
    public static Module assembleOrThrow(String moduleName, String fileName, String text) {
        Result r = assemble(moduleName, fileName, text, new Options());
        if (!r.ok()) throw new SourceException(r.diagnostics());
        return r.module();
    }

    private static String stripDir(String p) {
        int slash = p.lastIndexOf('/');
        return slash >= 0 ? p.substring(slash + 1) : p;
    }

    // ---- state -------------------------------------------------------------------------------------------------

    /** Where a statement came from: a line of a file, or of a macro or repetition expansion. */
    static final class Where {
        final String file;
        final int line;
        /**
         * The text parsed, comments removed: the line is {@code text[start, end)}. For a line of a file this is
         * the whole file (no copy per line); indexes into it are what errors carry.
         */
        final String text;
        final int start, end;
        /** The end of the line as written (with its comment), for messages. */
        private final int rawEnd;
        private String raw;
        /** The line that expanded the macro or repetition this line belongs to, or null. */
        final Where parent;
        final String context;
        final int depth;

        Where(String file, int line, String text, int start, int end, int rawEnd, String raw, Where parent,
              String context) {
            this.file = file;
            this.line = line;
            this.text = text;
            this.start = start;
            this.end = end;
            this.rawEnd = rawEnd;
            this.raw = raw;
            this.parent = parent;
            this.context = context;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }

        /** A line of its own (an expansion): all of {@code text}. */
        Where(String file, int line, String text, Where parent, String context) {
            this(file, line, text, 0, text.length(), text.length(), text, parent, context);
        }

        /** The same line, expanded from {@code parent}. */
        Where copy(Where newParent, String newContext) {
            return new Where(file, line, text, start, end, rawEnd, raw, newParent, newContext);
        }

        /** The line as written (for messages and listings). */
        String raw() {
            if (raw == null) raw = text.substring(start, rawEnd);
            return raw;
        }

        /** The line without comments. */
        String line() {
            return start == 0 && end == text.length() ? text : text.substring(start, end);
        }

        /** The index of the first non-blank character (or of the start). */
        int firstNonBlank() {
            int i = start;
            while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
            return i < end ? i : start;
        }

        String site() {
            return new StringBuilder(file.length() + 8).append(file).append(':').append(line).toString();
        }
    }

    /** A reference resolved at the end: an instruction field ({@code kind}) or a data value ({@code size}). */
    static final class Fixup {
        final AsmSection section;
        final int offset;
        final RelocKind kind;
        final int size;
        final Expression.Node expr;
        final Where where;
        final int index;

        Fixup(AsmSection section, int offset, RelocKind kind, int size, Expression.Node expr, Where where, int index) {
            this.section = section;
            this.offset = offset;
            this.kind = kind;
            this.size = size;
            this.expr = expr;
            this.where = where;
            this.index = index;
        }
    }

    record PoolEntry(AsmSymbol label, int size, Expression.Node value, Where where, int index) { }

    /** The literals of one section waiting to be placed. */
    static final class Pool {
        final List<PoolEntry> entries = new ArrayList<>();
        final Map<Long, PoolEntry> constants4 = new HashMap<>(), constants8 = new HashMap<>();
        final Map<AsmSymbol, PoolEntry> symbols = new IdentityHashMap<>();
    }

    private record Macro(String name, List<String> params, List<String> defaults, boolean[] required, int vararg,
                         List<Where> body, Where at) { }

    private static final class Cond {
        final boolean parentActive;
        boolean active, taken, elseSeen;
        final Where at;

        Cond(boolean parentActive, boolean value, Where at) {
            this.parentActive = parentActive;
            this.active = parentActive && value;
            this.taken = !parentActive || value;
            this.at = at;
        }
    }

    /** A body being collected: .macro ... .endm, or .rept/.irp/.irpc ... .endr. */
    private static final class Capture {
        final boolean macro;
        final Where at;
        final int index;
        int depth = 1;
        final List<Where> body = new ArrayList<>();
        // macro
        String name;
        List<String> params;
        List<String> defaults;
        boolean[] required;
        int vararg = -1;
        // repetition
        long count;
        String param;
        List<String> values;

        Capture(boolean macro, Where at, int index) {
            this.macro = macro;
            this.at = at;
            this.index = index;
        }
    }

    private abstract static class Frame {
        int condDepth;
        boolean macro;

        abstract Where next();
    }

    private static final class FileFrame extends Frame {
        final String file;
        final String text;
        final Path dir;
        int pos;
        int line;
        boolean inComment;

        FileFrame(String file, String text, Path dir) {
            this.file = file;
            this.text = text;
            this.dir = dir;
        }

        @Override
        Where next() {
            int len = text.length();
            if (pos >= len) return null;
            int start = pos;
            int nl = text.indexOf('\n', pos);
            int e = nl < 0 ? len : nl;
            int stop = e > start && text.charAt(e - 1) == '\r' ? e - 1 : e;
            pos = e + 1;
            line++;
            if (!inComment) { // the common case, without copying: no strings, no block comment
                int f = start;
                while (f < stop && (text.charAt(f) == ' ' || text.charAt(f) == '\t')) f++;
                if (f < stop && text.charAt(f) == '#') return new Where(file, line, text, start, start, stop, null, null, null);
                int end = stop;
                boolean simple = true;
                for (int i = f; i < stop; i++) {
                    char c = text.charAt(i);
                    if (c == '/' && i + 1 < stop) {
                        char d = text.charAt(i + 1);
                        if (d == '/') {
                            end = i;
                            break;
                        }
                        if (d == '*') {
                            simple = false;
                            break;
                        }
                    } else if (c == '"' || c == '\'') {
                        simple = false;
                        break;
                    }
                }
                if (simple) return new Where(file, line, text, start, end, stop, null, null, null);
            }
            String raw = text.substring(start, stop);
            String clean = stripComments(raw);
            return new Where(file, line, clean, 0, clean.length(), clean.length(), raw, null, null);
        }

        /** Removes {@code //} and {@code #}-at-line-start comments, blanks {@code /* *}{@code /} ones. */
        String stripComments(String s) {
            int n = s.length();
            if (!inComment && s.indexOf('"') < 0 && s.indexOf('\'') < 0) { // the common case: no strings
                int f = 0;
                while (f < n && (s.charAt(f) == ' ' || s.charAt(f) == '\t')) f++;
                if (f < n && s.charAt(f) == '#') return "";
                int slash = s.indexOf('/');
                while (slash >= 0 && slash + 1 < n) {
                    char d = s.charAt(slash + 1);
                    if (d == '/') return s.substring(0, slash);
                    if (d == '*') break; // a block comment: the general path below
                    slash = s.indexOf('/', slash + 1);
                }
                if (slash < 0 || slash + 1 >= n) return s;
            }
            char[] blanked = null;
            int i = 0;
            if (inComment) {
                int close = s.indexOf("*/");
                if (close < 0) return "";
                blanked = s.toCharArray();
                for (int k = 0; k < close + 2; k++) if (blanked[k] != '\t') blanked[k] = ' ';
                inComment = false;
                i = close + 2;
            } else {
                int f = 0;
                while (f < n && (s.charAt(f) == ' ' || s.charAt(f) == '\t')) f++;
                if (f < n && s.charAt(f) == '#') return "";
            }
            while (i < n) {
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    while (i < n && s.charAt(i) != '"') i += s.charAt(i) == '\\' ? 2 : 1;
                    i++;
                } else if (c == '\'') {
                    i += 2;
                    if (i - 1 < n && s.charAt(i - 1) == '\\') i++;
                    if (i < n && s.charAt(i) == '\'') i++;
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                    String head = blanked != null ? new String(blanked, 0, i) : s.substring(0, i);
                    return head;
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    if (blanked == null) blanked = s.toCharArray();
                    int close = s.indexOf("*/", i + 2);
                    int stop = close < 0 ? n : close + 2;
                    for (int k = i; k < stop; k++) if (blanked[k] != '\t') blanked[k] = ' ';
                    if (close < 0) {
                        inComment = true;
                        return new String(blanked);
                    }
                    i = stop;
                } else {
                    i++;
                }
            }
            return blanked != null ? new String(blanked) : s;
        }
    }

    private static final class LinesFrame extends Frame {
        final List<Where> lines;
        int i;

        LinesFrame(List<Where> lines, boolean macro) {
            this.lines = lines;
            this.macro = macro;
        }

        @Override
        Where next() {
            return i < lines.size() ? lines.get(i++) : null;
        }
    }

    /** The assembler with access to raw words (Keystone output, adrp whose target is fixed up later). */
    private static final class Emitter extends Assembler {
        Emitter(Section s) {
            super(s);
        }

        void raw(int word) {
            emit(word);
        }
    }

    private final String moduleName;
    private final Options options;
    private final ModuleBuilder builder;
    private final Emitter a;
    private final Map<String, AsmSection> sections = new LinkedHashMap<>();
    private AsmSection cur;
    private AsmSection previous;
    private final Deque<AsmSection[]> sectionStack = new ArrayDeque<>();
    private final Map<String, AsmSymbol> symbols = new HashMap<>();
    private final Map<String, AsmSymbol> forwardLocal = new HashMap<>();
    private final Map<String, AsmSymbol> lastLocal = new HashMap<>();
    private final Map<String, Macro> macros = new HashMap<>();
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final ArrayList<Cond> conds = new ArrayList<>();
    private final List<SourceError> diagnostics = new ArrayList<>();
    private final List<Object[]> deferredSizes = new ArrayList<>();
    private final List<Object[]> emitted = new ArrayList<>();
    private final List<Object[]> listing = new ArrayList<>();
    private Capture capture;
    private boolean ended;
    private int macroCounter;
    private int symbolOrder;
    private int errorCount;

    /** The statement being assembled (for the expression resolver). */
    private Where where;

    private SourceAssembler(String moduleName, Options options) {
        this.moduleName = moduleName;
        this.options = options;
        this.builder = new ModuleBuilder(moduleName);
        this.cur = sectionNamed(".text", null, null, null, 0);
        this.a = new Emitter(cur.section);
        for (Map.Entry<String, Long> d : options.defsyms.entrySet()) {
            AsmSymbol s = symbolFor(d.getKey());
            s.kind = AsmSymbol.ASSIGNED;
            s.value = new Expression.Num(d.getValue());
            s.order = symbolOrder++;
        }
    }

    private void pushFile(String name, String text, Path dir) {
        FileFrame f = new FileFrame(name, text, dir);
        f.condDepth = conds.size();
        frames.push(f);
    }

    // ---- diagnostics -------------------------------------------------------------------------------------------

    private void error(Where w, int index, String message) {
        report(w, index, "error", message);
        errorCount++;
    }

    private void warning(Where w, int index, String message) {
        report(w, index, "warning", message);
    }

    private void report(Where w, int index, String severity, String message) {
        List<SourceError> notes = new ArrayList<>();
        for (Where x = w; x.parent != null; x = x.parent) {
            Where p = x.parent;
            int col = p.firstNonBlank() - p.start + 1;
            notes.add(new SourceError(p.file, p.line, col, "note", "while in " + x.context, p.raw(), List.of()));
        }
        diagnostics.add(new SourceError(w.file, w.line, Math.max(index - w.start, 0) + 1, severity, message, w.raw(),
                notes));
    }


    // ---- the main loop -----------------------------------------------------------------------------------------

    private Result run() {
        while (!ended) {
            Frame f = frames.peek();
            if (f == null) break;
            Where w = f.next();
            if (w == null) {
                frames.pop();
                continue;
            }
            if (frames.size() > 200) {
                error(w, w.firstNonBlank(), "macros or includes nested too deeply (over 200 levels)");
                ended = true;
                break;
            }
            line(w);
        }
        return finish();
    }

    private void line(Where w) {
        if (capture != null) {
            captureLine(w);
            return;
        }
        String t = w.text;
        AsmSection sec0 = cur;
        int pos0 = sec0.size();
        int semi = -1;
        for (int i = w.start; i < w.end; i++) {
            if (t.charAt(i) == ';') {
                semi = i;
                break;
            }
        }
        if (semi < 0) {
            statementSafely(w, w.start, w.end);
        } else {
            int start = w.start;
            boolean inString = false;
            for (int i = w.start; i < w.end; i++) {
                char c = t.charAt(i);
                if (c == '"') inString = !inString;
                else if (c == '\\' && inString) i++;
                else if (c == '\'' && !inString && i + 1 < w.end) i += t.charAt(i + 1) == '\\' ? 2 : 1; // 'c'
                else if (c == ';' && !inString) {
                    statementSafely(w, start, i);
                    start = i + 1;
                    if (capture != null) break;
                }
            }
            if (capture == null) statementSafely(w, start, w.end);
        }
        if (options.recordListing) {
            boolean same = cur == sec0;
            listing.add(new Object[] {w, same ? sec0 : null, same ? pos0 : 0, same ? cur.size() - pos0 : 0});
        }
    }

    private void statementSafely(Where w, int s, int e) {
        where = w;
        try {
            statement(w, s, e);
        } catch (AsmError err) {
            error(w, err.index, err.getMessage());
        } catch (EncodingException err) {
            error(w, w.firstNonBlank(), stripSite(err.getMessage()));
        } catch (RuntimeException err) {
            error(w, w.firstNonBlank(), "internal error: " + err);
        }
    }

    private static String stripSite(String m) {
        if (m == null) return "cannot encode";
        int at = m.lastIndexOf(" (at ");
        if (at >= 0 && m.endsWith(")")) return m.substring(0, at);
        int at2 = m.lastIndexOf(" at ");
        return at2 >= 0 && m.indexOf(".java:", at2) > 0 ? m.substring(0, at2) : m;
    }

    private boolean active() {
        return conds.isEmpty() || conds.get(conds.size() - 1).active;
    }

    private static int skipBlank(String t, int p, int e) {
        while (p < e && (t.charAt(p) == ' ' || t.charAt(p) == '\t')) p++;
        return p;
    }

    private static int trimEnd(String t, int s, int e) {
        while (e > s && (t.charAt(e - 1) == ' ' || t.charAt(e - 1) == '\t')) e--;
        return e;
    }

    private static int identEnd(String t, int p, int e) {
        while (p < e && Expression.isIdent(t.charAt(p))) p++;
        return p;
    }

    /** Mnemonics and directives seen so far, lower case: the same String for the same word, without a copy. */
    private final String[] words = new String[2048];
    private boolean wordHadUpper;

    /** t[p, q) in lower case, from the table when it was seen before. */
    private String lowerWord(String t, int p, int q) {
        int h = 0;
        boolean upper = false;
        for (int i = p; i < q; i++) {
            char c = t.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
                c += 32;
            }
            h = 31 * h + c;
        }
        wordHadUpper = upper;
        int slot = (h ^ (h >>> 11)) & (words.length - 1);
        String s = words[slot];
        if (s != null && s.length() == q - p && s.regionMatches(upper, 0, t, p, q - p)) return s;
        s = upper ? t.substring(p, q).toLowerCase(Locale.ROOT) : t.substring(p, q);
        words[slot] = s;
        return s;
    }

    private static String lower(String t, int s, int e) {
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            if (c >= 'A' && c <= 'Z') return t.substring(s, e).toLowerCase(Locale.ROOT);
        }
        return t.substring(s, e);
    }

    private void statement(Where w, int s, int e) {
        String t = w.text;
        int p = skipBlank(t, s, e);
        e = trimEnd(t, p, e);
        if (p >= e) return;
        if (!active()) {
            inactiveStatement(w, p, e);
            return;
        }
        // labels
        while (p < e) {
            char c = t.charAt(p);
            int q;
            if (c >= '0' && c <= '9') {
                q = p;
                while (q < e && t.charAt(q) >= '0' && t.charAt(q) <= '9') q++;
                int r = skipBlank(t, q, e);
                if (r < e && t.charAt(r) == ':') {
                    defineLocal(t.substring(p, q), w, p);
                    p = skipBlank(t, r + 1, e);
                    continue;
                }
                break;
            } else if (Expression.isIdentStart(c)) {
                q = identEnd(t, p, e);
                int r = skipBlank(t, q, e);
                if (r < e && t.charAt(r) == ':' && q > p && !(q - p == 1 && c == '.')) {
                    defineLabel(t.substring(p, q), w, p);
                    p = skipBlank(t, r + 1, e);
                    continue;
                }
                break;
            } else if (c == '"') {
                int close = t.indexOf('"', p + 1);
                if (close > 0 && close + 1 < e && skipBlank(t, close + 1, e) < e
                        && t.charAt(skipBlank(t, close + 1, e)) == ':') {
                    defineLabel(t.substring(p + 1, close), w, p);
                    p = skipBlank(t, skipBlank(t, close + 1, e) + 1, e);
                    continue;
                }
                break;
            } else {
                break;
            }
        }
        if (p >= e) return;
        int q = identEnd(t, p, e);
        if (q == p) throw new AsmError(p, "unexpected '" + t.charAt(p) + "' at the start of a statement");
        int r = skipBlank(t, q, e);
        if (r < e && t.charAt(r) == '=' && !(r + 1 < e && t.charAt(r + 1) == '=')) {
            assign(t.substring(p, q), w, p, r + 1, e, false);
            return;
        }
        String word = lowerWord(t, p, q);
        if (!macros.isEmpty()) {
            Macro m = macros.get(word);
            if (m == null && wordHadUpper) m = macros.get(t.substring(p, q));
            if (m != null) {
                expandMacro(m, w, p, q, e);
                return;
            }
        }
        if (t.charAt(p) == '.') {
            directive(word, w, p, q, e);
            return;
        }
        instruction(w, p, q, e, word);
    }

    // ---- conditionals ------------------------------------------------------------------------------------------

    private void inactiveStatement(Where w, int p, int e) {
        String t = w.text;
        if (t.charAt(p) != '.') return;
        int q = identEnd(t, p, e);
        String d = lower(t, p, q);
        if (d.startsWith(".if")) {
            conds.add(new Cond(false, false, w));
        } else if (d.equals(".else") || d.equals(".elseif") || d.equals(".endif")) {
            conditional(d, w, p, q, e);
        }
    }

    private boolean conditional(String d, Where w, int p, int q, int e) {
        String t = w.text;
        int a0 = skipBlank(t, q, e);
        switch (d) {
            case ".if", ".ifne" -> pushCond(condValue(w, a0, e) != 0, w);
            case ".ifeq" -> pushCond(condValue(w, a0, e) == 0, w);
            case ".ifgt" -> pushCond(condValue(w, a0, e) > 0, w);
            case ".ifge" -> pushCond(condValue(w, a0, e) >= 0, w);
            case ".iflt" -> pushCond(condValue(w, a0, e) < 0, w);
            case ".ifle" -> pushCond(condValue(w, a0, e) <= 0, w);
            case ".ifdef", ".ifndef", ".ifnotdef" -> {
                int ne = identEnd(t, a0, e);
                if (ne == a0 || skipBlank(t, ne, e) != e) throw new AsmError(a0, "expected a symbol name");
                AsmSymbol s = symbols.get(t.substring(a0, ne));
                boolean defined = s != null && (s.kind != AsmSymbol.UNDEFINED);
                pushCond(d.equals(".ifdef") == defined, w);
            }
            case ".ifb" -> pushCond(a0 >= e, w);
            case ".ifnb" -> pushCond(a0 < e, w);
            case ".ifc", ".ifnc", ".ifeqs", ".ifnes" -> {
                List<int[]> args = splitArgs(t, a0, e);
                if (args.size() != 2) throw new AsmError(a0, d + " needs two operands separated by a comma");
                String x = unquote(t, args.get(0)), y = unquote(t, args.get(1));
                boolean eq = x.equals(y);
                pushCond(d.equals(".ifc") || d.equals(".ifeqs") ? eq : !eq, w);
            }
            case ".else" -> {
                Cond c = topCond(w, p, ".else");
                if (c.elseSeen) throw new AsmError(p, "duplicate .else");
                c.elseSeen = true;
                c.active = c.parentActive && !c.taken;
                c.taken = true;
            }
            case ".elseif" -> {
                Cond c = topCond(w, p, ".elseif");
                if (c.elseSeen) throw new AsmError(p, ".elseif after .else");
                if (c.parentActive && !c.taken) {
                    boolean v = evalNow(w, a0, e) != 0;
                    c.active = v;
                    c.taken = v;
                } else {
                    c.active = false;
                }
            }
            case ".endif" -> {
                topCond(w, p, ".endif");
                conds.remove(conds.size() - 1);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The value of a .if expression; on an error the conditional is still opened (false), so .endif matches. */
    private long condValue(Where w, int s, int e) {
        try {
            return evalNow(w, s, e);
        } catch (AsmError err) {
            conds.add(new Cond(active(), false, w));
            conds.get(conds.size() - 1).taken = true;
            throw err;
        }
    }

    private Cond topCond(Where w, int p, String d) {
        Frame f = frames.peek();
        int floor = f == null ? 0 : f.condDepth;
        if (conds.size() <= floor) throw new AsmError(p, d + " without a matching .if");
        return conds.get(conds.size() - 1);
    }

    private void pushCond(boolean value, Where w) {
        conds.add(new Cond(active(), value, w));
    }

    private String unquote(String t, int[] r) {
        int s = r[0], e = r[1];
        if (e - s >= 2 && (t.charAt(s) == '"' && t.charAt(e - 1) == '"' || t.charAt(s) == '\'' && t.charAt(e - 1) == '\''))
            return t.substring(s + 1, e - 1);
        return t.substring(s, e);
    }

    // ---- macros and repetitions ----------------------------------------------------------------------------------

    private void captureLine(Where w) {
        Capture c = capture;
        String t = w.text;
        int p = skipBlank(t, w.start, w.end);
        // skip labels in front of the directive
        int q = identEnd(t, p, w.end);
        if (q < w.end && q > p && t.charAt(q) == ':' && t.charAt(p) != '.') {
            p = skipBlank(t, q + 1, w.end);
            q = identEnd(t, p, w.end);
        }
        if (p < w.end && t.charAt(p) == '.') {
            String d = lower(t, p, q);
            if (c.macro) {
                if (d.equals(".macro")) c.depth++;
                else if (d.equals(".endm") || d.equals(".endmacro")) c.depth--;
            } else {
                if (d.equals(".rept") || d.equals(".irp") || d.equals(".irpc")) c.depth++;
                else if (d.equals(".endr")) c.depth--;
            }
            if (c.depth == 0) {
                capture = null;
                endCapture(c, w);
                return;
            }
        }
        c.body.add(w);
    }

    private void endCapture(Capture c, Where endLine) {
        if (c.macro) {
            if (!c.name.startsWith("(")) macros.put(c.name, new Macro(c.name, c.params, c.defaults, c.required, c.vararg,
                    c.body, c.at));
            return;
        }
        List<Where> lines = new ArrayList<>();
        String ctx = c.param == null ? ".rept expansion" : ".irp expansion";
        if (c.param == null) {
            for (long i = 0; i < c.count; i++)
                for (Where b : c.body) lines.add(b.copy(c.at, ctx));
        } else {
            for (String v : c.values) {
                for (Where b : c.body) {
                    String s = substitute(b.line(), List.of(c.param), new String[] {v}, -1);
                    lines.add(new Where(b.file, b.line, s, c.at, ctx));
                }
            }
        }
        if (lines.size() > 10_000_000) {
            error(c.at, c.index, "repetition too large (" + lines.size() + " lines)");
            return;
        }
        LinesFrame f = new LinesFrame(lines, false);
        f.condDepth = conds.size();
        frames.push(f);
    }

    private void defineMacro(Where w, int p, int q, int e) {
        String t = w.text;
        int s = skipBlank(t, q, e);
        int ne = s;
        while (ne < e && (Expression.isIdent(t.charAt(ne)))) ne++;
        if (ne == s) throw new AsmError(s, "expected a macro name");
        Capture c = new Capture(true, w, p);
        c.name = t.substring(s, ne);
        c.params = new ArrayList<>();
        c.defaults = new ArrayList<>();
        List<Boolean> req = new ArrayList<>();
        int i = skipBlank(t, ne, e);
        if (i < e && t.charAt(i) == ',') i = skipBlank(t, i + 1, e);
        while (i < e) {
            int pe = i;
            while (pe < e && (Expression.isIdent(t.charAt(pe)) && t.charAt(pe) != '.')) pe++;
            if (pe == i) throw new AsmError(i, "expected a parameter name in the .macro line");
            String name = t.substring(i, pe);
            String def = null;
            boolean required = false;
            int j = pe;
            if (j < e && t.charAt(j) == ':') {
                int qe = identEnd(t, j + 1, e);
                String qual = t.substring(j + 1, qe);
                if (qual.equals("req")) required = true;
                else if (qual.equals("vararg")) c.vararg = c.params.size();
                else throw new AsmError(j + 1, "unknown macro parameter qualifier '" + qual + "'");
                j = qe;
            }
            j = skipBlank(t, j, e);
            if (j < e && t.charAt(j) == '=') {
                j = skipBlank(t, j + 1, e);
                int de = j;
                if (de < e && t.charAt(de) == '"') {
                    de = t.indexOf('"', de + 1);
                    de = de < 0 ? e : de + 1;
                } else {
                    while (de < e && t.charAt(de) != ',' && t.charAt(de) != ' ' && t.charAt(de) != '\t') de++;
                }
                def = unquote(t, new int[] {j, de});
                j = de;
            }
            c.params.add(name);
            c.defaults.add(def);
            req.add(required);
            j = skipBlank(t, j, e);
            if (j < e && t.charAt(j) == ',') j = skipBlank(t, j + 1, e);
            i = j;
        }
        c.required = new boolean[req.size()];
        for (int k = 0; k < req.size(); k++) c.required[k] = req.get(k);
        capture = c;
    }

    private void expandMacro(Macro m, Where w, int p, int q, int e) {
        String t = w.text;
        int s = skipBlank(t, q, e);
        int n = m.params().size();
        String[] values = new String[n];
        List<int[]> args = splitArgs(t, s, e);
        if (args.size() == 1 && n > 1) args = splitBlanks(t, args.get(0)[0], args.get(0)[1]);
        int positional = 0;
        for (int k = 0; k < args.size(); k++) {
            int[] r = args.get(k);
            int eq = -1;
            int ie = r[0];
            while (ie < r[1] && Expression.isIdent(t.charAt(ie)) && t.charAt(ie) != '.') ie++;
            int after = skipBlank(t, ie, r[1]);
            if (ie > r[0] && after < r[1] && t.charAt(after) == '=' && !(after + 1 < r[1] && t.charAt(after + 1) == '='))
                eq = m.params().indexOf(t.substring(r[0], ie));
            if (eq >= 0) {
                values[eq] = t.substring(skipBlank(t, after + 1, r[1]), r[1]);
                continue;
            }
            if (positional == m.vararg()) {
                values[positional] = t.substring(r[0], args.get(args.size() - 1)[1]);
                positional++;
                break;
            }
            if (positional >= n) throw new AsmError(r[0], "too many arguments for macro '" + m.name() + "' (it takes "
                    + n + ")");
            values[positional++] = t.substring(r[0], r[1]);
        }
        for (int k = 0; k < n; k++) {
            if (values[k] == null || values[k].isEmpty()) {
                if (m.required()[k]) throw new AsmError(s, "missing value for required parameter '" + m.params().get(k)
                        + "' of macro '" + m.name() + "'");
                if (values[k] == null) values[k] = m.defaults().get(k) != null ? m.defaults().get(k) : "";
            }
        }
        int counter = macroCounter++;
        List<Where> lines = new ArrayList<>(m.body().size());
        for (Where b : m.body()) {
            String x = substitute(b.line(), m.params(), values, counter);
            lines.add(new Where(b.file, b.line, x, w, "macro instantiation"));
        }
        LinesFrame f = new LinesFrame(lines, true);
        f.condDepth = conds.size();
        frames.push(f);
    }

    private static String substitute(String line, List<String> params, String[] values, int counter) {
        if (line.indexOf('\\') < 0) return line;
        StringBuilder sb = new StringBuilder(line.length() + 16);
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                sb.append(c);
                continue;
            }
            char d = line.charAt(i + 1);
            if (d == '(' && i + 2 < n && line.charAt(i + 2) == ')') {
                i += 2;
                continue;
            }
            if (d == '@' && counter >= 0) {
                sb.append(counter);
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && Expression.isIdent(line.charAt(j)) && line.charAt(j) != '.') j++;
            int k = j > i + 1 ? params.indexOf(line.substring(i + 1, j)) : -1;
            if (k >= 0) {
                sb.append(values[k]);
                i = j - 1;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** .exitm: leaves the innermost macro expansion. */
    private void exitMacro(int p) {
        while (!frames.isEmpty()) {
            Frame f = frames.pop();
            while (conds.size() > f.condDepth) conds.remove(conds.size() - 1);
            if (f.macro) return;
            if (f instanceof FileFrame) {
                frames.push(f);
                throw new AsmError(p, ".exitm outside a macro");
            }
        }
    }

    // ---- arguments ---------------------------------------------------------------------------------------------

    /** Splits s[from,to) at commas outside brackets, parentheses and quotes; each part trimmed. */
    private static List<int[]> splitArgs(String t, int from, int to) {
        List<int[]> out = new ArrayList<>(4);
        from = skipBlank(t, from, to);
        to = trimEnd(t, from, to);
        if (from >= to) return out;
        int depth = 0, start = from;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c == '"') {
                i++;
                while (i < to && t.charAt(i) != '"') i += t.charAt(i) == '\\' ? 2 : 1;
            } else if (c == '\'') {
                i++;
                if (i < to && t.charAt(i) == '\\') i++;
                if (i + 1 < to && t.charAt(i + 1) == '\'') i++;
            } else if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth--;
            } else if (c == ',' && depth <= 0) {
                out.add(new int[] {skipBlank(t, start, i), trimEnd(t, start, i)});
                start = i + 1;
            }
        }
        out.add(new int[] {skipBlank(t, start, to), trimEnd(t, start, to)});
        return out;
    }

    /** Splits s[from,to) at blanks outside brackets, parentheses and quotes. */
    private static List<int[]> splitBlanks(String t, int from, int to) {
        List<int[]> out = new ArrayList<>(4);
        int i = from;
        while (i < to) {
            i = skipBlank(t, i, to);
            if (i >= to) break;
            int start = i, depth = 0;
            while (i < to) {
                char c = t.charAt(i);
                if (c == '"') {
                    i++;
                    while (i < to && t.charAt(i) != '"') i++;
                } else if (c == '(' || c == '[') depth++;
                else if (c == ')' || c == ']') depth--;
                else if ((c == ' ' || c == '\t') && depth <= 0) break;
                i++;
            }
            out.add(new int[] {start, Math.min(i, to)});
        }
        return out;
    }

    private final Expression.Resolver resolver = new Expression.Resolver() {
        @Override
        public AsmSymbol symbol(String name, int index) {
            AsmSymbol s = symbolFor(name);
            if (s.firstUse == null) {
                s.firstUse = where;
                s.firstUseColumn = index;
            }
            return s;
        }

        @Override
        public AsmSymbol local(String digits, boolean forward, int index) {
            if (forward) {
                AsmSymbol s = forwardLocal.get(digits);
                if (s == null) {
                    s = new AsmSymbol(digits.concat("f"), true);
                    s.firstUse = where;
                    s.firstUseColumn = index;
                    forwardLocal.put(digits, s);
                }
                return s;
            }
            AsmSymbol s = lastLocal.get(digits);
            if (s == null) throw new AsmError(index, "local label '" + digits + "b' refers to no earlier '" + digits
                    + ":'");
            return s;
        }

        @Override
        public AsmSymbol dot() {
            AsmSymbol s = new AsmSymbol(".", true);
            s.kind = AsmSymbol.LABEL;
            s.section = cur;
            s.offset = cur.size();
            return s;
        }
    };

    private AsmSymbol symbolFor(String name) {
        AsmSymbol s = symbols.get(name);
        if (s == null) {
            s = new AsmSymbol(name, name.startsWith(".L"));
            symbols.put(name, s);
        }
        return s;
    }

    private Expression.Node parseExpr(String t, int s, int e) {
        s = skipBlank(t, s, e);
        e = trimEnd(t, s, e);
        // fast path: a plain decimal or hex number
        if (s < e) {
            char c = t.charAt(s);
            if (c >= '1' && c <= '9' && e - s <= 18) {
                long v = 0;
                int i = s;
                while (i < e && t.charAt(i) >= '0' && t.charAt(i) <= '9') v = v * 10 + (t.charAt(i++) - '0');
                if (i == e) return new Expression.Num(v);
            } else if (c == '0' && e - s == 1) {
                return new Expression.Num(0);
            } else if (c == '0' && e - s > 2 && e - s <= 18 && (t.charAt(s + 1) == 'x' || t.charAt(s + 1) == 'X')) {
                long v = 0;
                int i = s + 2;
                int d;
                while (i < e && (d = Character.digit(t.charAt(i), 16)) >= 0) {
                    v = v << 4 | d;
                    i++;
                }
                if (i == e) return new Expression.Num(v);
            }
        }
        return Expression.parse(t, s, e, resolver);
    }

    /** Evaluates now; null if a symbol is not defined yet. */
    private Expression.Value tryEval(Expression.Node n, int at) {
        if (n instanceof Expression.Num x) return Expression.Value.of(x.value());
        try {
            return Expression.eval(n, false, at);
        } catch (Expression.NotYet e) {
            return null;
        }
    }

    /** An absolute expression, needed now. */
    private long evalNow(Where w, int s, int e) {
        if (skipBlank(w.text, s, e) >= e) throw new AsmError(s, "expected an expression");
        Expression.Node n = parseExpr(w.text, s, e);
        return absolute(n, skipBlank(w.text, s, e));
    }

    private long absolute(Expression.Node n, int at) {
        if (n instanceof Expression.Num x) return x.value();
        Expression.Value v;
        try {
            v = Expression.eval(n, false, at);
        } catch (Expression.NotYet ny) {
            throw new AsmError(at, "expected an absolute expression, but symbol '" + ny.symbol.name
                    + "' is not defined at this point");
        }
        if (!v.isConstant()) {
            AsmSymbol u = v.undefined();
            if (u != null) throw new AsmError(at, "expected an absolute expression, but symbol '" + u.name
                    + "' is not defined at this point");
            throw new AsmError(at, "expected an absolute expression, but this refers to symbol '"
                    + (v.add() != null ? v.add().name : v.sub().name) + "'");
        }
        return v.c();
    }

    // ---- symbols -----------------------------------------------------------------------------------------------

    private void defineLabel(String name, Where w, int index) {
        AsmSymbol s = symbolFor(name);
        if (s.kind != AsmSymbol.UNDEFINED)
            throw new AsmError(index, "symbol '" + name + "' is already defined"
                    + (s.definedAt != null ? " (at " + s.definedAt.site() + ")" : ""));
        s.kind = AsmSymbol.LABEL;
        s.section = cur;
        s.offset = cur.size();
        s.definedAt = w;
        s.order = symbolOrder++;
    }

    private void defineLocal(String digits, Where w, int index) {
        AsmSymbol s = forwardLocal.remove(digits);
        if (s == null) s = new AsmSymbol(digits, true);
        s.kind = AsmSymbol.LABEL;
        s.section = cur;
        s.offset = cur.size();
        s.definedAt = w;
        lastLocal.put(digits, s);
    }

    private void assign(String name, Where w, int nameAt, int s, int e, boolean equiv) {
        if (name.equals(".")) { // ". = expr" moves the location counter like .org
            org(w, s, e);
            return;
        }
        AsmSymbol sym = symbolFor(name);
        if (sym.kind == AsmSymbol.LABEL)
            throw new AsmError(nameAt, "symbol '" + name + "' is already defined as a label"
                    + (sym.definedAt != null ? " (at " + sym.definedAt.site() + ")" : ""));
        if (sym.kind == AsmSymbol.ASSIGNED && (equiv || sym.fixedValue))
            throw new AsmError(nameAt, "symbol '" + name + "' is already defined"
                    + (sym.definedAt != null ? " (at " + sym.definedAt.site() + ")" : ""));
        int at = skipBlank(w.text, s, e);
        if (at >= e) throw new AsmError(at, "expected an expression after '" + name + "'");
        Expression.Node n = parseExpr(w.text, s, e);
        Expression.Value v = tryEval(n, at);
        if (v != null && v.isConstant()) n = new Expression.Num(v.c());
        if (sym.kind == AsmSymbol.UNDEFINED) sym.order = symbolOrder++;
        sym.kind = AsmSymbol.ASSIGNED;
        sym.value = n;
        sym.definedAt = w;
        sym.fixedValue = equiv;
    }

    // ---- sections ----------------------------------------------------------------------------------------------

    private AsmSection sectionNamed(String name, String flags, String type, Where w, int index) {
        AsmSection s = sections.get(name);
        if (s != null) return s;
        boolean alloc, write, exec, nobits;
        String n = name;
        boolean isBss = n.equals(".bss") || n.startsWith(".bss.") || n.equals(".sbss") || n.startsWith(".sbss.");
        if (n.startsWith(".tbss") || n.startsWith(".tdata"))
            throw new AsmError(index, "thread-local sections are not supported");
        if (flags == null) {
            if (n.equals(".text") || n.startsWith(".text.") || n.equals(".init") || n.equals(".fini")) flags = "ax";
            else if (n.equals(".data") || n.startsWith(".data.") || n.equals(".data1") || isBss
                    || n.startsWith(".init_array") || n.startsWith(".fini_array") || n.startsWith(".preinit_array"))
                flags = "aw";
            else if (n.equals(".rodata") || n.startsWith(".rodata.") || n.equals(".rodata1")) flags = "a";
            else flags = "";
        }
        alloc = write = exec = false;
        for (int i = 0; i < flags.length(); i++) {
            switch (flags.charAt(i)) {
                case 'a' -> alloc = true;
                case 'w' -> write = true;
                case 'x' -> exec = true;
                case 'M', 'S', 'R', 'o', 'e', '?', 'y' -> { }
                case 'G' -> throw new AsmError(index, "section groups (flag G) are not supported");
                case 'T' -> throw new AsmError(index, "thread-local sections (flag T) are not supported");
                default -> throw new AsmError(index, "unknown section flag '" + flags.charAt(i) + "'");
            }
        }
        if (type == null) nobits = isBss;
        else {
            switch (type) {
                case "progbits" -> nobits = false;
                case "nobits" -> nobits = true;
                case "init_array", "fini_array", "preinit_array" -> nobits = false;
                default -> throw new AsmError(index, "section type '" + type + "' is not supported (use %progbits or"
                        + " %nobits)");
            }
        }
        Section.Kind kind = nobits ? Section.Kind.BSS : exec ? Section.Kind.CODE : write ? Section.Kind.DATA
                : Section.Kind.RODATA;
        s = new AsmSection(name, builder.section(name, kind), alloc, write, exec, nobits);
        sections.put(name, s);
        AsmSymbol sym = symbolFor(name); // in expressions a section's name is its start
        if (sym.kind == AsmSymbol.UNDEFINED) {
            sym.kind = AsmSymbol.LABEL;
            sym.section = s;
            sym.sectionName = true;
        }
        return s;
    }

    private void switchTo(AsmSection s) {
        if (s == cur) return;
        previous = cur;
        cur = s;
        a.switchTo(s.section);
    }

    private void sectionDirective(Where w, int p, int s, int e, boolean push) {
        String t = w.text;
        List<int[]> args = splitArgs(t, s, e);
        if (args.isEmpty()) throw new AsmError(s, "expected a section name");
        int[] nr = args.get(0);
        String name = unquote(t, nr);
        // a name without quotes ends at the first blank (".section .text.boot,"ax"" is split at the comma already)
        String flags = null, type = null;
        if (args.size() > 1) {
            int[] fr = args.get(1);
            if (fr[1] - fr[0] >= 2 && t.charAt(fr[0]) == '"') flags = t.substring(fr[0] + 1, fr[1] - 1);
            else if (push && fr[0] < fr[1] && Character.isDigit(t.charAt(fr[0]))) flags = null; // subsection number
            else throw new AsmError(fr[0], "expected a quoted flags string such as \"ax\"");
        }
        if (args.size() > 2) {
            int[] tr = args.get(2);
            if (tr[0] < tr[1] && (t.charAt(tr[0]) == '%' || t.charAt(tr[0]) == '@')) type = lower(t, tr[0] + 1, tr[1]);
            else throw new AsmError(tr[0], "expected a section type such as %progbits");
        }
        AsmSection sec = sectionNamed(name, flags, type, w, nr[0]);
        if (push) sectionStack.push(new AsmSection[] {cur, previous});
        switchTo(sec);
    }

    private void need(Where w, int p) {
        if (!cur.alloc && !cur.reportedNonAlloc) {
            cur.reportedNonAlloc = true;
            throw new AsmError(p, "section " + cur.name + " is not allocatable (no \"a\" flag): capaz-as objects hold "
                    + "only allocatable sections, so it cannot have contents");
        }
    }

    // ---- directives --------------------------------------------------------------------------------------------

    private void directive(String d, Where w, int p, int q, int e) {
        String t = w.text;
        int s = skipBlank(t, q, e);
        switch (d) {
            case ".text" -> switchTo(sectionNamed(".text", null, null, w, p));
            case ".data" -> switchTo(sectionNamed(".data", null, null, w, p));
            case ".bss" -> switchTo(sectionNamed(".bss", null, null, w, p));
            case ".rodata" -> switchTo(sectionNamed(".rodata", null, null, w, p));
            case ".section" -> sectionDirective(w, p, s, e, false);
            case ".pushsection" -> sectionDirective(w, p, s, e, true);
            case ".popsection" -> {
                if (sectionStack.isEmpty()) throw new AsmError(p, ".popsection without a .pushsection");
                AsmSection[] back = sectionStack.pop();
                switchTo(back[0]);
                previous = back[1];
            }
            case ".previous" -> {
                if (previous != null) switchTo(previous);
            }
            case ".globl", ".global", ".weak", ".local", ".hidden", ".internal", ".protected" -> {
                for (int[] r : splitArgs(t, s, e)) {
                    int ne = identEnd(t, r[0], r[1]);
                    if (ne == r[0] || ne != r[1]) throw new AsmError(r[0], "expected a symbol name");
                    AsmSymbol sym = symbolFor(t.substring(r[0], r[1]));
                    switch (d) {
                        case ".globl", ".global" -> sym.global = true;
                        case ".weak" -> sym.weak = true;
                        case ".local" -> {
                            sym.explicitLocal = true;
                            sym.global = false;
                        }
                        default -> { } // visibility: no effect on a static kernel link
                    }
                }
            }
            case ".type" -> typeDirective(w, s, e);
            case ".size" -> sizeDirective(w, s, e);
            case ".byte" -> data(w, s, e, 1);
            case ".hword", ".short", ".2byte", ".half" -> data(w, s, e, 2);
            case ".word", ".long", ".int", ".4byte" -> data(w, s, e, 4);
            case ".quad", ".xword", ".8byte", ".dword" -> data(w, s, e, 8);
            case ".inst" -> inst(w, s, e);
            case ".ascii" -> strings(w, s, e, false);
            case ".asciz", ".string" -> strings(w, s, e, true);
            case ".align", ".p2align" -> alignDirective(w, s, e, true);
            case ".balign" -> alignDirective(w, s, e, false);
            case ".skip", ".space" -> {
                List<int[]> args = splitArgs(t, s, e);
                if (args.isEmpty() || args.size() > 2) throw new AsmError(s, d + " needs a size and an optional fill");
                long n = absolute(parseExpr(t, args.get(0)[0], args.get(0)[1]), args.get(0)[0]);
                long fill = args.size() > 1 ? absolute(parseExpr(t, args.get(1)[0], args.get(1)[1]), args.get(1)[0]) : 0;
                fill(w, args.get(0)[0], n, 1, fill);
            }
            case ".zero" -> fill(w, s, evalNow(w, s, e), 1, 0);
            case ".fill" -> {
                List<int[]> args = splitArgs(t, s, e);
                if (args.isEmpty() || args.size() > 3) throw new AsmError(s, ".fill needs repeat[, size[, value]]");
                long n = absolute(parseExpr(t, args.get(0)[0], args.get(0)[1]), args.get(0)[0]);
                long size = args.size() > 1 ? absolute(parseExpr(t, args.get(1)[0], args.get(1)[1]), args.get(1)[0]) : 1;
                long v = args.size() > 2 ? absolute(parseExpr(t, args.get(2)[0], args.get(2)[1]), args.get(2)[0]) : 0;
                if (size < 0 || size > 8) throw new AsmError(args.get(1)[0], ".fill size must be 0..8, not " + size);
                if (size > 4 && (v >>> 32) != 0 && v >> 32 != -1 || size > 4 && v < 0)
                    warning(w, args.get(2)[0], ".fill pattern truncated to 32 bits");
                fill(w, s, n, (int) size, v);
            }
            case ".org" -> org(w, s, e);
            case ".equ", ".set", ".equiv" -> {
                int ne = identEnd(t, s, e);
                if (ne == s) throw new AsmError(s, "expected a symbol name");
                int c = skipBlank(t, ne, e);
                if (c >= e || t.charAt(c) != ',') throw new AsmError(c, "expected ',' after the symbol name");
                assign(t.substring(s, ne), w, s, c + 1, e, d.equals(".equiv"));
            }
            case ".include" -> include(w, s, e);
            case ".incbin" -> incbin(w, s, e);
            case ".ltorg", ".pool" -> flushPool(cur);
            case ".macro" -> {
                try {
                    defineMacro(w, p, q, e);
                } catch (AsmError err) { // collect the body anyway, so that it is not assembled line by line
                    Capture c = new Capture(true, w, p);
                    c.name = "(bad .macro)";
                    c.params = List.of();
                    c.defaults = List.of();
                    c.required = new boolean[0];
                    capture = c;
                    throw err;
                }
            }
            case ".endm", ".endmacro" -> throw new AsmError(p, d + " without a .macro");
            case ".exitm" -> exitMacro(p);
            case ".purgem" -> {
                String name = t.substring(s, identEnd(t, s, e));
                if (macros.remove(name) == null) throw new AsmError(s, "macro '" + name + "' is not defined");
            }
            case ".rept" -> {
                Capture c = new Capture(false, w, p);
                capture = c; // collected even if the count is bad (then repeated 0 times)
                long n = evalNow(w, s, e);
                if (n < 0) throw new AsmError(s, ".rept count is negative");
                c.count = n;
            }
            case ".irp", ".irpc" -> {
                int ne = s;
                while (ne < e && Expression.isIdent(t.charAt(ne)) && t.charAt(ne) != '.') ne++;
                if (ne == s) throw new AsmError(s, "expected a parameter name");
                Capture c = new Capture(false, w, p);
                c.param = t.substring(s, ne);
                c.values = new ArrayList<>();
                int v = skipBlank(t, ne, e);
                if (v < e && t.charAt(v) == ',') v = skipBlank(t, v + 1, e);
                if (d.equals(".irp")) {
                    List<int[]> vals = splitArgs(t, v, e);
                    if (vals.size() == 1) vals = splitBlanks(t, vals.get(0)[0], vals.get(0)[1]);
                    for (int[] r : vals) c.values.add(t.substring(r[0], r[1]));
                    if (c.values.isEmpty()) c.values.add("");
                } else {
                    for (int i = v; i < trimEnd(t, v, e); i++) c.values.add(String.valueOf(t.charAt(i)));
                }
                capture = c;
            }
            case ".endr" -> throw new AsmError(p, ".endr without a .rept or .irp");
            case ".err" -> throw new AsmError(p, ".err encountered");
            case ".error" -> throw new AsmError(p, s < e ? unquote(t, new int[] {s, e}) : ".error directive invoked");
            case ".warning" -> warning(w, p, s < e ? unquote(t, new int[] {s, e}) : ".warning directive invoked");
            case ".print" -> warning(w, p, unquote(t, new int[] {s, e}));
            case ".end" -> ended = true;
            case ".file", ".ident", ".loc", ".arch", ".arch_extension", ".cpu", ".func", ".endfunc", ".addrsig",
                    ".addrsig_sym", ".variant_pcs", ".build_attributes", ".eabi_attribute", ".note", ".subsection" -> { }
            default -> {
                if (d.startsWith(".cfi_")) return;
                if (!conditional(d, w, p, q, e)) throw new AsmError(p, "unknown directive '" + d + "'");
            }
        }
    }

    private void typeDirective(Where w, int s, int e) {
        String t = w.text;
        int ne = identEnd(t, s, e);
        if (ne == s) throw new AsmError(s, "expected a symbol name");
        AsmSymbol sym = symbolFor(t.substring(s, ne));
        int c = skipBlank(t, ne, e);
        if (c < e && t.charAt(c) == ',') c = skipBlank(t, c + 1, e);
        if (c < e && (t.charAt(c) == '%' || t.charAt(c) == '@' || t.charAt(c) == '#')) c++;
        if (c < e && t.charAt(c) == '"') c++;
        int te = identEnd(t, c, e);
        String type = lower(t, c, te);
        switch (type) {
            case "function", "stt_func" -> sym.type = AsmSymbol.FUNC;
            case "object", "stt_object" -> sym.type = AsmSymbol.OBJECT;
            case "notype", "stt_notype" -> sym.type = AsmSymbol.NOTYPE;
            default -> throw new AsmError(c, "unsupported symbol type '" + type + "' (use %function, %object or"
                    + " %notype)");
        }
    }

    private void sizeDirective(Where w, int s, int e) {
        String t = w.text;
        int ne = identEnd(t, s, e);
        if (ne == s) throw new AsmError(s, "expected a symbol name");
        AsmSymbol sym = symbolFor(t.substring(s, ne));
        int c = skipBlank(t, ne, e);
        if (c >= e || t.charAt(c) != ',') throw new AsmError(c, "expected ',' after the symbol name");
        int at = skipBlank(t, c + 1, e);
        Expression.Node n = parseExpr(t, c + 1, e);
        Expression.Value v = tryEval(n, at);
        if (v != null && v.isConstant()) sym.size = v.c();
        else deferredSizes.add(new Object[] {sym, n, w, at});
    }

    private void data(Where w, int s, int e, int size) {
        String t = w.text;
        if (s >= e) throw new AsmError(s, "expected a value");
        List<int[]> args = splitArgs(t, s, e);
        for (int[] r : args) {
            if (r[0] >= r[1]) throw new AsmError(r[0], "expected a value");
            Expression.Node n = parseExpr(t, r[0], r[1]);
            emitData(size, n, w, r[0]);
        }
    }

    private void emitData(int size, Expression.Node n, Where w, int at) {
        need(w, at);
        Expression.Value v = tryEval(n, at);
        if (v != null && v.isConstant()) {
            putValue(size, checkRange(size, v.c(), at), w, at);
        } else {
            int off = cur.size();
            putValue(size, 0, w, at);
            cur.fixups.add(new Fixup(cur, off, null, size, n, w, at));
        }
    }

    private static long checkRange(int size, long v, int at) {
        if (size < 8) {
            long min = -(1L << (8 * size - 1)), max = (1L << (8 * size)) - 1;
            if (v < min || v > max) throw new AsmError(at, "out of range literal value: " + v
                    + (Math.abs(v) > 9 ? String.format(" (0x%x)", v) : "") + " does not fit " + size
                    + (size == 1 ? " byte" : " bytes"));
        }
        return v;
    }

    private void putValue(int size, long v, Where w, int at) {
        if (cur.nobits) {
            if (v != 0) throw new AsmError(at, "non-zero value in nobits section " + cur.name);
            a.fill(size, 0);
            return;
        }
        switch (size) {
            case 1 -> a.byte_((int) v);
            case 2 -> a.hword((int) v);
            case 4 -> a.word((int) v);
            default -> a.quad(v);
        }
    }

    private void inst(Where w, int s, int e) {
        String t = w.text;
        need(w, s);
        for (int[] r : splitArgs(t, s, e)) {
            long v = absolute(parseExpr(t, r[0], r[1]), r[0]);
            if (v < Integer.MIN_VALUE || v > 0xffffffffL) throw new AsmError(r[0], ".inst value does not fit 32 bits");
            int at = cur.size();
            if ((at & 3) != 0 || cur.nobits) throw new AsmError(r[0], ".inst at an unaligned offset or in nobits");
            a.raw((int) v);
            cur.markInstruction(at);
            recordInstruction(at, w);
        }
    }

    private void strings(Where w, int s, int e, boolean zero) {
        String t = w.text;
        need(w, s);
        if (s >= e) throw new AsmError(s, "expected a string");
        for (int[] r : splitArgs(t, s, e)) {
            int i = r[0];
            boolean any = false;
            while (i < r[1]) {
                if (t.charAt(i) != '"') throw new AsmError(i, "expected a string in double quotes");
                byte[] bytes = new byte[r[1] - i];
                int n = 0;
                int start = i;
                i++;
                while (true) {
                    if (i >= r[1]) throw new AsmError(start, "unterminated string");
                    char c = t.charAt(i++);
                    if (c == '"') break;
                    if (c != '\\') {
                        if (c > 0xff) { // text given as a Java string: characters beyond Latin-1 go in as UTF-8
                            byte[] u = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                            if (Character.isHighSurrogate(c) && i < r[1])
                                u = new String(new char[] {c, t.charAt(i++)}).getBytes(StandardCharsets.UTF_8);
                            bytes = Arrays.copyOf(bytes, bytes.length + u.length);
                            for (byte x : u) bytes[n++] = x;
                            continue;
                        }
                        bytes[n++] = (byte) c;
                        continue;
                    }
                    if (i >= r[1]) throw new AsmError(start, "unterminated string");
                    char x = t.charAt(i++);
                    switch (x) {
                        case 'n' -> bytes[n++] = '\n';
                        case 't' -> bytes[n++] = '\t';
                        case 'r' -> bytes[n++] = '\r';
                        case 'b' -> bytes[n++] = '\b';
                        case 'f' -> bytes[n++] = '\f';
                        case 'v' -> bytes[n++] = 11;
                        case 'a' -> bytes[n++] = 7;
                        case 'x', 'X' -> {
                            int v = 0, digits = 0;
                            while (i < r[1] && Character.digit(t.charAt(i), 16) >= 0) {
                                v = v * 16 + Character.digit(t.charAt(i++), 16);
                                digits++;
                            }
                            if (digits == 0) throw new AsmError(i - 2, "\\x needs hexadecimal digits");
                            bytes[n++] = (byte) v;
                        }
                        default -> {
                            if (x >= '0' && x <= '7') {
                                int v = x - '0';
                                for (int k = 0; k < 2 && i < r[1] && t.charAt(i) >= '0' && t.charAt(i) <= '7'; k++)
                                    v = v * 8 + (t.charAt(i++) - '0');
                                bytes[n++] = (byte) v;
                            } else {
                                bytes[n++] = (byte) x;
                            }
                        }
                    }
                }
                emitBytes(bytes, n, zero, w, start);
                any = true;
                i = skipBlank(t, i, r[1]);
            }
            if (!any) throw new AsmError(r[0], "expected a string");
        }
    }

    private void emitBytes(byte[] bytes, int n, boolean zero, Where w, int at) {
        if (cur.nobits) {
            for (int i = 0; i < n; i++) if (bytes[i] != 0) throw new AsmError(at, "non-zero data in nobits section " + cur.name);
            a.fill(n + (zero ? 1 : 0), 0);
            return;
        }
        int[] v = new int[n + (zero ? 1 : 0)];
        for (int i = 0; i < n; i++) v[i] = bytes[i];
        a.byte_(v);
    }

    private void fill(Where w, int at, long count, int size, long value) {
        need(w, at);
        if (count < 0) throw new AsmError(at, "negative size " + count);
        if (count * size > (1L << 30)) throw new AsmError(at, "fill of " + count * size + " bytes is too large");
        if (count == 0 || size == 0) return;
        if (cur.nobits) {
            if (value != 0) throw new AsmError(at, "non-zero fill in nobits section " + cur.name);
            a.fill((int) (count * size), 0);
            return;
        }
        if (size == 1) {
            a.fill((int) count, (int) value);
            return;
        }
        long pattern = size > 4 ? value & 0xffffffffL : value;
        for (long i = 0; i < count; i++)
            for (int b = 0; b < size; b++) a.byte_((int) (b < 8 ? pattern >>> (8 * b) : 0));
    }

    private void alignDirective(Where w, int s, int e, boolean powerOfTwo) {
        String t = w.text;
        List<int[]> args = splitArgs(t, s, e);
        if (args.isEmpty()) throw new AsmError(s, "expected an alignment");
        int[] r0 = args.get(0);
        long n = absolute(parseExpr(t, r0[0], r0[1]), r0[0]);
        Long fill = null;
        long max = -1;
        if (args.size() > 1 && args.get(1)[0] < args.get(1)[1])
            fill = absolute(parseExpr(t, args.get(1)[0], args.get(1)[1]), args.get(1)[0]);
        if (args.size() > 2 && args.get(2)[0] < args.get(2)[1])
            max = absolute(parseExpr(t, args.get(2)[0], args.get(2)[1]), args.get(2)[0]);
        long bytes;
        if (powerOfTwo) {
            if (n < 0 || n > 30) throw new AsmError(r0[0], "alignment 2^" + n + " is out of range (0..30)");
            bytes = 1L << n;
        } else {
            if (n == 0) n = 1;
            if (n < 0 || Long.bitCount(n) != 1 || n > (1L << 30))
                throw new AsmError(r0[0], "alignment must be a power of 2, not " + n);
            bytes = n;
        }
        align(bytes, fill, max, w, r0[0]);
    }

    private void align(long bytes, Long fill, long max, Where w, int at) {
        cur.alignment = Math.max(cur.alignment, bytes);
        int pos = cur.size();
        int pad = (int) ((bytes - (pos % bytes)) % bytes);
        if (pad == 0 || (max >= 0 && pad > max)) return;
        need(w, at);
        if (cur.nobits) {
            if (fill != null && fill != 0) throw new AsmError(at, "non-zero fill in nobits section " + cur.name);
            a.fill(pad, 0);
            return;
        }
        if (fill == null && cur.exec) {
            int zeros = pad & 3;
            if (zeros > 0) a.fill(zeros, 0);
            for (int i = 0; i < pad / 4; i++) {
                cur.markInstruction(cur.size());
                a.raw(0xd503201f);
            }
            return;
        }
        a.fill(pad, fill == null ? 0 : (int) (long) fill);
    }

    private void org(Where w, int s, int e) {
        String t = w.text;
        List<int[]> args = splitArgs(t, s, e);
        if (args.isEmpty()) throw new AsmError(s, "expected an offset");
        int at = args.get(0)[0];
        Expression.Node n = parseExpr(t, at, args.get(0)[1]);
        Expression.Value v = tryEval(n, at);
        if (v == null) throw new AsmError(at, ".org needs a value known here");
        long target;
        if (v.isConstant()) target = v.c();
        else if (v.sub() == null && v.add().kind == AsmSymbol.LABEL && v.add().section == cur) target = v.add().offset + v.c();
        else throw new AsmError(at, ".org needs an offset in the current section");
        long fill = args.size() > 1 ? absolute(parseExpr(t, args.get(1)[0], args.get(1)[1]), args.get(1)[0]) : 0;
        if (target < cur.size()) throw new AsmError(at, "attempt to move .org backwards (from 0x"
                + Integer.toHexString(cur.size()) + " to 0x" + Long.toHexString(target) + ")");
        fill(w, at, target - cur.size(), 1, fill);
    }

    private Path findFile(Where w, String name) {
        Path p = Path.of(name);
        List<Path> candidates = new ArrayList<>();
        if (p.isAbsolute()) candidates.add(p);
        else {
            for (Frame f : frames) {
                if (f instanceof FileFrame ff && ff.dir != null) {
                    candidates.add(ff.dir.resolve(name));
                    break;
                }
            }
            candidates.add(p);
            for (Path d : options.includeDirs) candidates.add(d.resolve(name));
        }
        for (Path c : candidates) if (Files.isRegularFile(c)) return c;
        return null;
    }

    private void include(Where w, int s, int e) {
        String t = w.text;
        if (s >= e || t.charAt(s) != '"') throw new AsmError(s, "expected a file name in double quotes");
        String name = unquote(t, new int[] {s, e});
        Path f = findFile(w, name);
        if (f == null) throw new AsmError(s, "could not find include file '" + name + "'"
                + " (searched the including file's directory, the current directory"
                + (options.includeDirs.isEmpty() ? "" : " and -I " + options.includeDirs.stream().map(Path::toString)
                .collect(java.util.stream.Collectors.joining(", "))) + ")");
        if (frames.size() > 100) throw new AsmError(s, "includes nested too deeply");
        String text;
        try {
            text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        } catch (IOException x) {
            throw new AsmError(s, "cannot read include file '" + name + "': " + x.getMessage());
        }
        String shown = f.isAbsolute() || name.startsWith("/") ? f.toString() : f.normalize().toString();
        pushFile(shown, text, f.toAbsolutePath().getParent());
    }

    private void incbin(Where w, int s, int e) {
        String t = w.text;
        List<int[]> args = splitArgs(t, s, e);
        if (args.isEmpty() || t.charAt(args.get(0)[0]) != '"') throw new AsmError(s, "expected a file name in double quotes");
        String name = unquote(t, args.get(0));
        Path f = findFile(w, name);
        if (f == null) throw new AsmError(s, "could not find incbin file '" + name + "'");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException x) {
            throw new AsmError(s, "cannot read '" + name + "': " + x.getMessage());
        }
        long skip = args.size() > 1 ? absolute(parseExpr(t, args.get(1)[0], args.get(1)[1]), args.get(1)[0]) : 0;
        long count = args.size() > 2 ? absolute(parseExpr(t, args.get(2)[0], args.get(2)[1]), args.get(2)[0])
                : bytes.length - skip;
        if (skip < 0 || count < 0 || skip + count > bytes.length)
            throw new AsmError(s, "skip/count outside the file (" + bytes.length + " bytes)");
        byte[] part = Arrays.copyOfRange(bytes, (int) skip, (int) (skip + count));
        need(w, s);
        emitBytes(part, part.length, false, w, s);
    }

    // ---- literal pools -----------------------------------------------------------------------------------------

    private void flushPool(AsmSection sec) {
        Pool pool = sec.pool;
        if (pool == null || pool.entries.isEmpty()) return;
        AsmSection back = cur, prev = previous;
        switchTo(sec);
        Where saved = where;
        for (PoolEntry en : pool.entries) {
            where = en.where();
            try {
                align(en.size(), 0L, -1, en.where(), en.index());
                en.label().kind = AsmSymbol.LABEL;
                en.label().section = sec;
                en.label().offset = sec.size();
                emitData(en.size(), en.value(), en.where(), en.index());
            } catch (AsmError err) {
                error(en.where(), err.index, err.getMessage());
            }
        }
        where = saved;
        pool.entries.clear();
        pool.constants4.clear();
        pool.constants8.clear();
        pool.symbols.clear();
        switchTo(back);
        previous = prev;
    }

    private PoolEntry poolEntry(int size, Expression.Node n, Expression.Value v, Where w, int at) {
        Pool pool = cur.pool;
        if (pool == null) pool = cur.pool = new Pool();
        if (!poolSections.contains(cur)) poolSections.add(cur);
        Map<Long, PoolEntry> constants = size == 8 ? pool.constants8 : pool.constants4;
        PoolEntry en = null;
        Long constKey = null;
        AsmSymbol symKey = null;
        if (v != null && v.isConstant()) {
            constKey = size == 8 ? v.c() : v.c() & 0xffffffffL;
            en = constants.get(constKey);
        } // like llvm-mc 14, entries for symbols are not shared (GNU as and newer llvm-mc share plain symbols)
        if (en != null) return en;
        en = new PoolEntry(new AsmSymbol("literal", true), size, n, w, at);
        pool.entries.add(en);
        if (constKey != null) constants.put(constKey, en);
        if (symKey != null) pool.symbols.put(symKey, en);
        return en;
    }

    private final List<AsmSection> poolSections = new ArrayList<>();

    // ---- instructions ------------------------------------------------------------------------------------------

    /** Relocation operators on an operand. */
    private static final int SYM_NONE = 0, SYM_TARGET = 1, SYM_LO12 = 2, SYM_MOVW = 3, SYM_PAGE = 4;

    private final ArrayList<Object> ops = new ArrayList<>(8);
    private int[] opIndex = new int[16];
    private Expression.Node symExpr;
    private int symKindOp;
    private int symIndex;
    private int symSpanStart, symSpanEnd;
    private RelocKind symReloc;
    private boolean symInMemory;
    private boolean postIndexPending;
    private int extendDefaultAt;
    private boolean needsKeystone;

    private void addOp(Object o, int index) {
        if (ops.size() == opIndex.length) opIndex = Arrays.copyOf(opIndex, opIndex.length * 2);
        opIndex[ops.size()] = index;
        ops.add(o);
    }

    private void instruction(Where w, int p, int q, int e, String mn) {
        String t = w.text;
        if (cur.nobits) throw new AsmError(p, "instructions are not allowed in nobits section " + cur.name);
        need(w, p);
        ops.clear();
        symExpr = null;
        symKindOp = SYM_NONE;
        symReloc = null;
        symInMemory = false;
        postIndexPending = false;
        extendDefaultAt = -1;
        needsKeystone = false;
        boolean condBranch = false;
        if (mn.length() > 2 && mn.charAt(0) == 'b' && mn.charAt(1) == '.') {
            Condition c = condition(mn.substring(2));
            if (c == null) throw new AsmError(p + 2, "unknown condition '" + mn.substring(2) + "'");
            addOp(c, p);
            mn = "b";
            condBranch = true;
        }
        int at = cur.size();
        if ((at & 3) != 0) throw new AsmError(p, "instruction at offset 0x" + Integer.toHexString(at) + " of "
                + cur.name + " is not 4-byte aligned (use .balign 4)");
        // operands
        int s = skipBlank(t, q, e);
        if (s < e && (t.charAt(q) != ' ' && t.charAt(q) != '\t'))
            throw new AsmError(q, "unexpected '" + t.charAt(q) + "' after the mnemonic");
        int start = s, depth = 0;
        int operandCount = 0;
        if (s < e) {
            for (int i = s; i <= e; i++) {
                char c = i < e ? t.charAt(i) : ',';
                if (c == '[' || c == '(' || c == '{') depth++;
                else if (c == ']' || c == ')' || c == '}') depth--;
                else if (c == '\'' && i + 1 < e) {
                    i++;
                    if (t.charAt(i) == '\\') i++;
                    if (i + 1 < e && t.charAt(i + 1) == '\'') i++;
                }
                else if (c == ',' && depth <= 0) {
                    int os = skipBlank(t, start, i), oe = trimEnd(t, os, i);
                    if (os >= oe) throw new AsmError(os, "expected an operand");
                    if (operandCount == 1 && mn.equals("ldr") && t.charAt(os) == '=') {
                        literalLoad(w, p, os, oe);
                        return;
                    }
                    operand(mn, t, os, oe);
                    operandCount++;
                    start = i + 1;
                }
            }
        }
        // "msr pan, x0" writes the PAN register; "msr pan, #1" the PSTATE field of the same name
        if (mn.equals("msr") && ops.size() == 2 && ops.get(0) instanceof PStateField f && ops.get(1) instanceof Register) {
            SystemRegister r = SystemRegister.byName(f.name().toLowerCase(Locale.ROOT));
            if (r != null) ops.set(0, r);
        }
        Object[] arr = ops.toArray();
        boolean done;
        if (mn.equals("adrp") && symKindOp != SYM_NONE && arr.length == 2 && arr[0] instanceof XOrZr r
                && arr[1] instanceof Label) {
            a.raw(0x90000000 | ((Register) r).code);
            done = true;
        } else {
            try {
                done = !needsKeystone && dispatch(mn, arr);
            } catch (EncodingException x) {
                String m = stripSite(x.getMessage());
                throw new AsmError(caretFor(m, arr, p), m);
            }
        }
        if (!done) {
            keystoneOrError(w, mn, p, q, e, at, arr);
            return;
        }
        if (cur.size() != at + 4) return; // not an instruction word (cannot happen with the table)
        cur.markInstruction(at);
        if (symExpr != null) addInstructionFixup(w, mn, condBranch, at, arr);
        recordInstruction(at, w);
    }

    /** Where the caret goes for an encoding error: under the operand whose value the message names. */
    private int caretFor(String message, Object[] arr, int p) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("= (-?\\d+)").matcher(message);
        if (m.find()) {
            try {
                long v = Long.parseLong(m.group(1));
                for (int i = 0; i < arr.length; i++) {
                    if (arr[i] instanceof Long l && l == v) return opIndex[i];
                    if (arr[i] instanceof Mem mem && mem.offset == v && mem.index == null) return opIndex[i];
                }
            } catch (NumberFormatException x) {
                // fall through
            }
        }
        return arr.length > 0 ? opIndex[0] : p;
    }

    private void recordInstruction(int at, Where w) {
        if (options.recordInstructions) emitted.add(new Object[] {cur, at, w});
    }

    private boolean dispatch(String mn, Object[] arr) {
        if (InstructionDispatch.invoke(a, mn, arr)) return true;
        int n = arr.length;
        // "#imm, lsl #n" of movz/movk/movn: the shift amount alone; of add/sub: the shifted value
        if (n >= 3 && arr[n - 2] == Shift.LSL && arr[n - 1] instanceof Long amount && arr[n - 3] instanceof Long imm) {
            Object[] noShift = new Object[n - 1];
            System.arraycopy(arr, 0, noShift, 0, n - 2);
            noShift[n - 2] = amount;
            if (InstructionDispatch.invoke(a, mn, noShift)) return true;
            Object[] folded = new Object[n - 2];
            System.arraycopy(arr, 0, folded, 0, n - 3);
            folded[n - 3] = imm << amount;
            if (amount >= 0 && amount < 64 && InstructionDispatch.invoke(a, mn, folded)) return true;
        }
        // an extend written without an amount: some forms take none
        if (extendDefaultAt >= 0 && extendDefaultAt < n) {
            Object[] less = new Object[n - 1];
            System.arraycopy(arr, 0, less, 0, extendDefaultAt);
            System.arraycopy(arr, extendDefaultAt + 1, less, extendDefaultAt, n - extendDefaultAt - 1);
            if (InstructionDispatch.invoke(a, mn, less)) return true;
        }
        return false;
    }

    private void addInstructionFixup(Where w, String mn, boolean condBranch, int at, Object[] arr) {
        RelocKind kind = symReloc;
        if (kind == null) {
            switch (symKindOp) {
                case SYM_TARGET -> kind = switch (mn) {
                    case "b" -> condBranch ? RelocKind.CONDBR19 : RelocKind.JUMP26;
                    case "bl" -> RelocKind.CALL26;
                    case "cbz", "cbnz" -> RelocKind.CONDBR19;
                    case "tbz", "tbnz" -> RelocKind.TSTBR14;
                    case "adr" -> RelocKind.ADR_PREL_LO21;
                    case "adrp" -> RelocKind.ADR_PREL_PG_HI21;
                    case "ldr", "ldrsw", "prfm" -> RelocKind.LD_PREL_LO19;
                    default -> throw new AsmError(symIndex, mn + " cannot take a symbol here");
                };
                case SYM_LO12 -> {
                    if (symInMemory) kind = ldstKind(mn, arr.length > 0 ? arr[0] : null, symIndex);
                    else if (mn.equals("add") || mn.equals("adds")) kind = RelocKind.ADD_ABS_LO12_NC;
                    else throw new AsmError(symIndex, ":lo12: is supported on add and on loads and stores, not on " + mn);
                }
                default -> throw new AsmError(symIndex, "relocation operator not valid for " + mn);
            }
        }
        cur.fixups.add(new Fixup(cur, at, kind, 0, symExpr, w, symIndex));
    }

    private static RelocKind ldstKind(String mn, Object first, int at) {
        int bits = switch (mn) {
            case "ldrb", "strb", "ldrsb" -> 8;
            case "ldrh", "strh", "ldrsh" -> 16;
            case "ldrsw" -> 32;
            case "prfm" -> 64;
            case "ldr", "str" -> first instanceof Register r ? r.bits() : 0;
            default -> 0;
        };
        return switch (bits) {
            case 8 -> RelocKind.LDST8_ABS_LO12_NC;
            case 16 -> RelocKind.LDST16_ABS_LO12_NC;
            case 32 -> RelocKind.LDST32_ABS_LO12_NC;
            case 64 -> RelocKind.LDST64_ABS_LO12_NC;
            case 128 -> RelocKind.LDST128_ABS_LO12_NC;
            default -> throw new AsmError(at, ":lo12: is not supported on " + mn);
        };
    }

    private static RelocKind ldstKindFp(String mn, String reg) {
        if (!mn.equals("ldr") && !mn.equals("str")) return null;
        return switch (Character.toLowerCase(reg.charAt(0))) {
            case 'b' -> RelocKind.LDST8_ABS_LO12_NC;
            case 'h' -> RelocKind.LDST16_ABS_LO12_NC;
            case 's' -> RelocKind.LDST32_ABS_LO12_NC;
            case 'd' -> RelocKind.LDST64_ABS_LO12_NC;
            case 'q' -> RelocKind.LDST128_ABS_LO12_NC;
            default -> null;
        };
    }

    private void setSymbolic(int kind, Expression.Node n, int index, int spanStart, int spanEnd) {
        if (symExpr != null) throw new AsmError(index, "only one operand may refer to a symbol");
        symExpr = n;
        symKindOp = kind;
        symIndex = index;
        symSpanStart = spanStart;
        symSpanEnd = spanEnd;
    }

    private Label targetPlaceholder() {
        Label l = new Label();
        a.bind(l); // the instruction goes here: its field stays 0 until the fixup at the end
        return l;
    }

    private void operand(String mn, String t, int s, int e) {
        char c = t.charAt(s);
        if (needsKeystone && c != '[') { // after an FP/SIMD register: Keystone reads the text
            addOp(t.substring(s, e), s);
            return;
        }
        if (c == '[') {
            memory(mn, t, s, e);
            return;
        }
        if (c == '#') {
            int v = skipBlank(t, s + 1, e);
            if (v < e && t.charAt(v) == ':') {
                relocOperand(mn, t, v, e, s);
                return;
            }
            immediate(t, v, e, s);
            return;
        }
        if (c == ':') {
            relocOperand(mn, t, s, e, s);
            return;
        }
        if (c == '{' || c == '=') {
            needsKeystone = true;
            addOp(t.substring(s, e), s);
            return;
        }
        if (Expression.isIdentStart(c)) {
            int we = identEnd(t, s, e);
            if (we == e) {
                Register r = register(t, s, e);
                if (r != null) {
                    addOp(r, s);
                    return;
                }
            }
            String word = lower(t, s, we);
            int rest = skipBlank(t, we, e);
            if (isShift(word) && (rest == e || rest > we && (t.charAt(rest) == '#' || Character.isDigit(t.charAt(rest))))) {
                addOp(Shift.valueOf(word.toUpperCase(Locale.ROOT)), s);
                addOp(rest < e ? amount(t, rest, e) : 0L, rest);
                return;
            }
            if (isExtend(word) && (rest == e || rest > we && (t.charAt(rest) == '#' || Character.isDigit(t.charAt(rest))))) {
                addOp(Extend.valueOf(word.toUpperCase(Locale.ROOT)), s);
                if (rest == e) extendDefaultAt = ops.size();
                addOp(rest < e ? amount(t, rest, e) : 0L, rest);
                return;
            }
            if (we == e) {
                Object special = special(mn, word);
                if (special != null) {
                    addOp(special, s);
                    return;
                }
            }
            if (looksLikeFpRegister(t, s, e)) {
                needsKeystone = true;
                addOp(t.substring(s, e), s);
                return;
            }
        }
        expressionOperand(t, s, e, true);
    }

    /** b0..q31 and v0..v31 (with an arrangement or lane): FP/SIMD registers, which Keystone assembles. */
    private static boolean looksLikeFpRegister(String t, int s, int e) {
        if (e - s < 2) return false;
        char c = (char) (t.charAt(s) | 0x20);
        if ("bhsdqvz".indexOf(c) < 0) return false;
        int i = s + 1, n = 0;
        while (i < e && i < s + 3 && Character.isDigit(t.charAt(i))) n = n * 10 + t.charAt(i++) - '0';
        if (i == s + 1 || n > 31) return false;
        return i == e || t.charAt(i) == '.' || t.charAt(i) == '[';
    }

    private long amount(String t, int s, int e) {
        if (t.charAt(s) == '#') s++;
        return absolute(parseExpr(t, s, e), skipBlank(t, s, e));
    }

    private void immediate(String t, int s, int e, int hash) {
        if (s >= e) throw new AsmError(hash, "expected an immediate after '#'");
        Expression.Node n = parseExpr(t, s, e);
        long v = absolute(n, s);
        addImmediate(v, hash);
    }

    private void addImmediate(long v, int index) {
        int n = ops.size();
        if (postIndexPending && n > 0 && ops.get(n - 1) instanceof Mem m && m.mode == Mem.Mode.OFFSET && m.offset == 0
                && m.index == null) {
            ops.set(n - 1, Mem.postIndex((XOrSp) m.base, v));
            postIndexPending = false;
            return;
        }
        addOp(v, index);
    }

    private void expressionOperand(String t, int s, int e, boolean allowSymbol) {
        Expression.Node n = parseExpr(t, s, e);
        Expression.Value v = tryEval(n, s);
        if (v != null && v.isConstant()) {
            addImmediate(v.c(), s);
            return;
        }
        if (!allowSymbol) throw new AsmError(s, "expected an absolute expression");
        setSymbolic(SYM_TARGET, n, s, s, e);
        addOp(targetPlaceholder(), s);
    }

    private void relocOperand(String mn, String t, int s, int e, int spanStart) {
        int close = t.indexOf(':', s + 1);
        if (close < 0 || close >= e) throw new AsmError(s, "expected ':' closing the relocation operator");
        String spec = lower(t, s + 1, close);
        int x = skipBlank(t, close + 1, e);
        if (x >= e) throw new AsmError(close + 1, "expected an expression after :" + spec + ":");
        Expression.Node n = parseExpr(t, x, e);
        switch (spec) {
            case "lo12" -> {
                setSymbolic(SYM_LO12, n, x, spanStart, e);
                addOp(0L, s);
            }
            case "abs_g0", "abs_g0_nc", "abs_g1", "abs_g1_nc", "abs_g2", "abs_g2_nc", "abs_g3" -> {
                int g = spec.charAt(5) - '0';
                boolean nc = spec.endsWith("_nc");
                if (!mn.equals("movz") && !mn.equals("movk") && !mn.equals("movn"))
                    throw new AsmError(s, ":" + spec + ": is supported on movz, movk and movn, not on " + mn);
                setSymbolic(SYM_MOVW, n, x, spanStart, e);
                symReloc = switch (g) {
                    case 0 -> nc ? RelocKind.MOVW_UABS_G0_NC : RelocKind.MOVW_UABS_G0;
                    case 1 -> nc ? RelocKind.MOVW_UABS_G1_NC : RelocKind.MOVW_UABS_G1;
                    case 2 -> nc ? RelocKind.MOVW_UABS_G2_NC : RelocKind.MOVW_UABS_G2;
                    default -> RelocKind.MOVW_UABS_G3;
                };
                addOp(0L, s);
                addOp((long) (16 * g), s);
            }
            case "pg_hi21", "pg_hi21_nc" -> {
                if (!mn.equals("adrp")) throw new AsmError(s, ":" + spec + ": is supported on adrp, not on " + mn);
                setSymbolic(SYM_PAGE, n, x, spanStart, e);
                symReloc = spec.endsWith("_nc") ? RelocKind.ADR_PREL_PG_HI21_NC : RelocKind.ADR_PREL_PG_HI21;
                addOp(new Label(), s);
            }
            default -> throw new AsmError(s, "relocation operator ':" + spec + ":' is not supported");
        }
    }

    private void memory(String mn, String t, int s, int e) {
        int close = e - 1;
        boolean pre = false;
        if (t.charAt(close) == '!') {
            pre = true;
            close = trimEnd(t, s, close) - 1;
        }
        if (close <= s || t.charAt(close) != ']') throw new AsmError(s, "expected ']' closing the memory operand");
        List<int[]> parts = splitArgs(t, s + 1, close);
        if (parts.isEmpty()) throw new AsmError(s + 1, "expected a base register");
        int[] b = parts.get(0);
        Register base = register(t, b[0], b[1]);
        if (!(base instanceof XOrSp bx)) {
            if (base == null && b[0] < b[1] && looksLikeFpRegister(t, b[0], b[1])) {
                needsKeystone = true;
                addOp(t.substring(s, e), s);
                return;
            }
            throw new AsmError(b[0], "expected a 64-bit base register (x0..x30 or sp)");
        }
        if (parts.size() == 1) {
            if (pre) throw new AsmError(s, "pre-index needs an offset");
            addOp(Mem.mem(bx), s);
            postIndexPending = true;
            return;
        }
        postIndexPending = false;
        int[] o = parts.get(1);
        if (o[0] >= o[1]) throw new AsmError(o[0], "expected an offset or index register");
        Register idx = register(t, o[0], o[1]);
        if (idx == null) {
            int v = o[0];
            if (t.charAt(v) == '#') v = skipBlank(t, v + 1, o[1]);
            if (v < o[1] && t.charAt(v) == ':') {
                int c2 = t.indexOf(':', v + 1);
                String spec = c2 > 0 && c2 < o[1] ? lower(t, v + 1, c2) : "";
                if (!spec.equals("lo12")) throw new AsmError(v, "relocation operator ':" + spec + ":' is not supported in"
                        + " a memory operand (use :lo12:)");
                if (pre) throw new AsmError(v, ":lo12: cannot be pre-indexed");
                int x = skipBlank(t, c2 + 1, o[1]);
                setSymbolic(SYM_LO12, parseExpr(t, x, o[1]), x, o[0], o[1]);
                symInMemory = true;
                if (parts.size() > 2) throw new AsmError(parts.get(2)[0], "unexpected operand");
                addOp(Mem.mem(bx, 0), s);
                return;
            }
            if (parts.size() > 2) throw new AsmError(parts.get(2)[0], "unexpected operand after the offset");
            long off = absolute(parseExpr(t, v, o[1]), v);
            addOp(pre ? Mem.preIndex(bx, off) : Mem.mem(bx, off), s);
            return;
        }
        if (pre) throw new AsmError(s, "a register index cannot be pre-indexed");
        if (parts.size() == 2) {
            if (idx instanceof XOrZr x) {
                addOp(Mem.mem(bx, x), s);
                return;
            }
            throw new AsmError(o[0], "a w index register needs uxtw or sxtw");
        }
        int[] x3 = parts.get(2);
        int we = identEnd(t, x3[0], x3[1]);
        String ext = lower(t, x3[0], we);
        int rest = skipBlank(t, we, x3[1]);
        int amt = rest < x3[1] ? (int) amount(t, rest, x3[1]) : -1;
        if (ext.equals("lsl")) {
            if (!(idx instanceof XOrZr xi)) throw new AsmError(o[0], "lsl needs an x index register");
            addOp(Mem.mem(bx, xi, Shift.LSL, amt), s);
            return;
        }
        if (!isExtend(ext)) throw new AsmError(x3[0], "expected lsl, uxtw, sxtw or sxtx");
        Extend ex = Extend.valueOf(ext.toUpperCase(Locale.ROOT));
        if (idx instanceof WOrZr wi) addOp(amt < 0 ? Mem.mem(bx, wi, ex) : Mem.mem(bx, wi, ex, amt), s);
        else addOp(amt < 0 ? Mem.mem(bx, (XOrZr) idx, ex) : Mem.mem(bx, (XOrZr) idx, ex, amt), s);
    }

    private static boolean isShift(String w) {
        return w.equals("lsl") || w.equals("lsr") || w.equals("asr") || w.equals("ror");
    }

    private static boolean isExtend(String w) {
        return w.length() == 4 && (w.charAt(0) == 'u' || w.charAt(0) == 's') && w.charAt(1) == 'x' && w.charAt(2) == 't'
                && "bhwx".indexOf(w.charAt(3)) >= 0;
    }

    private static Condition condition(String c) {
        return switch (c) {
            case "eq" -> Condition.EQ;
            case "ne" -> Condition.NE;
            case "hs", "cs" -> Condition.HS;
            case "lo", "cc" -> Condition.LO;
            case "mi" -> Condition.MI;
            case "pl" -> Condition.PL;
            case "vs" -> Condition.VS;
            case "vc" -> Condition.VC;
            case "hi" -> Condition.HI;
            case "ls" -> Condition.LS;
            case "ge" -> Condition.GE;
            case "lt" -> Condition.LT;
            case "gt" -> Condition.GT;
            case "le" -> Condition.LE;
            case "al" -> Condition.AL;
            case "nv" -> Condition.NV;
            default -> null;
        };
    }

    /** Operands that are names in the context of a mnemonic: system registers, barriers, operations, conditions. */
    private static Object special(String mn, String word) {
        switch (mn) {
            case "mrs", "msr" -> {
                if (mn.equals("msr")) for (PStateField f : PStateField.values()) if (f.name().equalsIgnoreCase(word)) return f;
                return SystemRegister.byName(word);
            }
            case "dmb", "dsb" -> {
                for (BarrierOption b : BarrierOption.values()) if (b.name().equalsIgnoreCase(word)) return b;
                return null;
            }
            case "isb" -> {
                return word.equals("sy") ? (Object) 15L : null;
            }
            case "dc", "ic", "tlbi", "at" -> {
                return SystemOperation.byName(mn, word);
            }
            case "sys", "sysl" -> {
                if (word.length() >= 2 && word.charAt(0) == 'c') {
                    try {
                        return Long.parseLong(word.substring(1));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            }
            case "prfm", "prfum" -> {
                return SystemOperation.Prefetch.byName(word);
            }
            case "csel", "csinc", "csinv", "csneg", "cset", "csetm", "cinc", "cinv", "cneg", "ccmp", "ccmn", "fcsel",
                    "fccmp", "fccmpe" -> {
                return word.length() == 2 ? condition(word) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** x0..x30, w0..w30, sp, wsp, xzr, wzr, fp, lr, ip0, ip1 (any case), or null. */
    static Register register(String t, int s, int e) {
        int n = e - s;
        if (n < 2 || n > 3) return null;
        char c0 = (char) (t.charAt(s) | 0x20);
        char c1 = t.charAt(s + 1);
        if ((c0 == 'x' || c0 == 'w') && c1 >= '0' && c1 <= '9') {
            int v = c1 - '0';
            if (n == 3) {
                char c2 = t.charAt(s + 2);
                if (c2 < '0' || c2 > '9' || v == 0) return null;
                v = v * 10 + (c2 - '0');
            }
            if (v > 30) return null;
            return c0 == 'x' ? Registers.x(v) : Registers.w(v);
        }
        String name = t.substring(s, e).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "sp" -> Registers.sp;
            case "wsp" -> Registers.wsp;
            case "xzr" -> Registers.xzr;
            case "wzr" -> Registers.wzr;
            case "fp" -> Registers.fp;
            case "lr" -> Registers.lr;
            case "ip0" -> Registers.x16;
            case "ip1" -> Registers.x17;
            default -> null;
        };
    }

    private void literalLoad(Where w, int p, int os, int oe) {
        String t = w.text;
        if (ops.size() != 1 || !(ops.get(0) instanceof Register r) || !(r instanceof XOrZr || r instanceof WOrZr))
            throw new AsmError(p, "ldr =value needs an x or w register");
        boolean x = r.bits() == 64;
        int at = skipBlank(t, os + 1, oe);
        if (at >= oe) throw new AsmError(os, "expected a value after '='");
        Expression.Node n = parseExpr(t, at, oe);
        Expression.Value v = tryEval(n, at);
        int pos = cur.size();
        if (v != null && v.isConstant()) {
            long imm = v.c();
            int shift = 0;
            while (Long.compareUnsigned(imm, 0xffff) > 0 && Long.numberOfTrailingZeros(imm) >= 16) {
                shift += 16;
                imm >>>= 16;
            }
            if (shift <= (x ? 48 : 16) && Long.compareUnsigned(imm, 0xffff) <= 0) {
                if (!InstructionDispatch.invoke(a, "movz", new Object[] {r, imm, (long) shift}))
                    throw new AsmError(p, "cannot encode movz for ldr =");
                cur.markInstruction(pos);
                recordInstruction(pos, w);
                return;
            }
            if (!x && !(v.c() >= Integer.MIN_VALUE && v.c() <= 0xffffffffL))
                throw new AsmError(at, "immediate too large for a w register: " + v.c());
        }
        PoolEntry en = poolEntry(x ? 8 : 4, n, v, w, at);
        Label l = targetPlaceholder();
        if (!InstructionDispatch.invoke(a, "ldr", new Object[] {r, l})) throw new AsmError(p, "cannot encode ldr literal");
        cur.markInstruction(pos);
        cur.fixups.add(new Fixup(cur, pos, RelocKind.LD_PREL_LO19, 0, new Expression.Ref(en.label()), w, at));
        recordInstruction(pos, w);
    }

    // ---- Keystone and operand errors ---------------------------------------------------------------------------

    private void keystoneOrError(Where w, String mn, int p, int q, int e, int at, Object[] arr) {
        String t = w.text;
        RelocKind fpKind = null;
        String text;
        if (symExpr != null) {
            // only :lo12: in an FP/SIMD load or store can go through Keystone: as #0, fixed up later
            if (symKindOp == SYM_LO12 && symInMemory) {
                int reg = skipBlank(t, q, e);
                fpKind = ldstKindFp(mn, t.substring(reg, identEnd(t, reg, e)));
                if (fpKind == null) {
                    try {
                        fpKind = ldstKind(mn, arr.length > 0 ? arr[0] : null, symIndex);
                    } catch (AsmError x) {
                        fpKind = null;
                    }
                }
            }
            if (fpKind == null) {
                operandError(w, mn, p, q, e, arr);
                return;
            }
            text = t.substring(p, symSpanStart) + "#0" + t.substring(symSpanEnd, e);
        } else {
            text = t.substring(p, e);
        }
        byte[] code = keystone(text, at);
        if (code == null || code.length == 0 || (code.length & 3) != 0) {
            operandError(w, mn, p, q, e, arr);
            return;
        }
        for (int i = 0; i < code.length; i += 4) {
            int off = cur.size();
            a.raw((code[i] & 0xff) | (code[i + 1] & 0xff) << 8 | (code[i + 2] & 0xff) << 16 | (code[i + 3] & 0xff) << 24);
            cur.markInstruction(off);
            recordInstruction(off, w);
        }
        if (fpKind != null) cur.fixups.add(new Fixup(cur, at, fpKind, 0, symExpr, w, symIndex));
    }

    /** Keystone engines: one never given a symbol resolver (with one set, Keystone rejects some valid forms). */
    private static Keystone plainEngine, resolvingEngine;
    private static boolean keystoneBroken;

    private static final Object KEYSTONE_LOCK = new Object();

    private byte[] keystone(String stmt, int address) {
        synchronized (KEYSTONE_LOCK) {
            return keystoneLocked(stmt, address);
        }
    }

    private byte[] keystoneLocked(String stmt, int address) {
        if (keystoneBroken) return null;
        try {
            if (plainEngine == null) {
                plainEngine = new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian);
                resolvingEngine = new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian);
            }
        } catch (Throwable x) {
            keystoneBroken = true;
            return null;
        }
        try {
            return plainEngine.assemble(stmt, address).getMachineCode();
        } catch (RuntimeException x) {
            // perhaps it names symbols: try again, resolving them
        }
        Keystone ks = resolvingEngine;
        AsmSection sec = cur;
        ks.setSymbolResolver((name, value) -> {
            AsmSymbol s = symbols.get(name);
            if (s == null) return false;
            Expression.Value v;
            try {
                v = Expression.eval(new Expression.Ref(s), false, 0);
            } catch (RuntimeException x) {
                return false;
            }
            if (v.isConstant()) {
                value.setValue(v.c());
                return true;
            }
            if (v.sub() == null && v.add().kind == AsmSymbol.LABEL && v.add().section == sec && v.add().isLocalBinding()) {
                value.setValue(v.add().offset + v.c());
                return true;
            }
            return false;
        });
        try {
            KeystoneEncoded enc = ks.assemble(stmt, address);
            return enc.getMachineCode();
        } catch (RuntimeException x) {
            return null;
        } finally {
            ks.unsetSymbolResolver();
        }
    }

    private static volatile Map<String, List<List<String>>> formsByMnemonic;

    /** Parameter type lists of every form of every mnemonic in the instruction table (for operand errors). */
    private static Map<String, List<List<String>>> forms() {
        if (formsByMnemonic == null) {
            Map<String, List<List<String>>> m = new HashMap<>();
            try {
                for (org.capazos.isa.Form f : org.capazos.isa.IsaTable.standard().forms()) {
                    List<String> types = new ArrayList<>();
                    for (org.capazos.isa.Form.Operand o : f.operands())
                        for (org.capazos.isa.OperandKind.Param prm : o.kind().params()) types.add(prm.type());
                    m.computeIfAbsent(f.mnemonic(), k -> new ArrayList<>()).add(types);
                }
            } catch (RuntimeException x) {
                // no table: messages are less precise
            }
            formsByMnemonic = m;
        }
        return formsByMnemonic;
    }

    private static boolean accepts(String type, Object op) {
        String simple = type.contains(".") ? type.substring(type.lastIndexOf('.') + 1) : type;
        switch (simple) {
            case "long", "Long" -> {
                return op instanceof Long;
            }
            case "int", "Integer" -> {
                return op instanceof Long l && l == l.intValue();
            }
            default -> { }
        }
        try {
            Class<?> c = Class.forName("org.capazos.dsl." + type.replace('.', '$'));
            return c.isInstance(op);
        } catch (ClassNotFoundException x) {
            return true;
        }
    }

    private void operandError(Where w, String mn, int p, int q, int e, Object[] arr) {
        List<List<String>> forms = forms().get(mn);
        if (forms == null || forms.isEmpty()) {
            error(w, p, "unrecognized instruction mnemonic '" + mn + "'");
            return;
        }
        int best = -1;
        boolean sameCount = false;
        int maxParams = 0;
        for (List<String> f : forms) {
            maxParams = Math.max(maxParams, f.size());
            if (f.size() != arr.length) continue;
            sameCount = true;
            int i = 0;
            while (i < arr.length && accepts(f.get(i), arr[i])) i++;
            best = Math.max(best, i);
        }
        if (!sameCount) {
            int minParams = forms.stream().mapToInt(List::size).min().orElse(0);
            if (arr.length > maxParams) {
                error(w, opIndex[Math.min(maxParams, arr.length - 1)], "too many operands for instruction");
            } else if (arr.length < minParams) {
                error(w, e, "too few operands for instruction");
            } else {
                error(w, arr.length > 0 ? opIndex[arr.length - 1] : q, "invalid operand for instruction");
            }
            return;
        }
        int idx = best >= 0 && best < arr.length ? opIndex[best] : (arr.length > 0 ? opIndex[arr.length - 1] : p);
        error(w, idx, "invalid operand for instruction");
    }

    // ---- the end -----------------------------------------------------------------------------------------------

    private Result finish() {
        if (capture != null) {
            Capture c = capture;
            error(c.at, c.index, c.macro ? "no matching .endm for .macro '" + c.name + "' (unterminated macro)"
                    : "no matching .endr for this repetition");
            capture = null;
        }
        for (Cond c : conds) error(c.at, c.at.firstNonBlank(), "no matching .endif for this conditional");
        conds.clear();
        for (AsmSection s : new ArrayList<>(poolSections)) flushPool(s);
        // deferred .size
        for (Object[] d : deferredSizes) {
            AsmSymbol sym = (AsmSymbol) d[0];
            Where w = (Where) d[2];
            int at = (Integer) d[3];
            try {
                Expression.Value v = Expression.eval((Expression.Node) d[1], true, at);
                if (!v.isConstant()) throw new AsmError(at, ".size of '" + sym.name + "' must be an absolute value");
                sym.size = v.c();
            } catch (AsmError err) {
                error(w, err.index, err.getMessage());
            }
        }
        Map<AsmSection, byte[]> bytes = new LinkedHashMap<>();
        Map<AsmSection, List<Relocation>> relocs = new HashMap<>();
        Set<AsmSymbol> needed = new HashSet<>();
        Map<Long, String> relocText = options.recordInstructions ? new HashMap<>() : null;
        for (AsmSection s : sections.values()) {
            byte[] b = s.nobits ? new byte[0] : s.section.bytes();
            bytes.put(s, b);
            List<Relocation> out = new ArrayList<>();
            for (Fixup f : s.fixups) {
                try {
                    resolve(f, b, out, needed, relocText);
                } catch (AsmError err) {
                    error(f.where, err.index, err.getMessage());
                }
            }
            out.sort(BY_OFFSET);
            relocs.put(s, out);
        }
        List<Instruction> instructions = new ArrayList<>();
        if (options.recordInstructions) {
            for (Object[] r : emitted) {
                AsmSection s = (AsmSection) r[0];
                int off = (Integer) r[1];
                Where w = (Where) r[2];
                byte[] b = bytes.get(s);
                int word = (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
                instructions.add(new Instruction(s.name, off, word, w.file, w.line, w.line().strip(),
                        relocText.get(key(s, off))));
            }
        }
        List<ListingLine> lines = new ArrayList<>();
        if (options.recordListing) {
            for (Object[] r : listing) {
                Where w = (Where) r[0];
                AsmSection s = (AsmSection) r[1];
                int off = (Integer) r[2], size = (Integer) r[3];
                byte[] b = s == null || s.nobits || size == 0 ? new byte[0] : Arrays.copyOfRange(bytes.get(s), off, off + size);
                lines.add(new ListingLine(w.file, w.line, w.raw(), w.depth, s == null ? null : s.name, off, b, size));
            }
        }
        if (errorCount > 0) return new Result(null, List.copyOf(diagnostics), instructions, lines);
        return new Result(module(bytes, relocs, needed), List.copyOf(diagnostics), instructions, lines);
    }

    // comparators as classes, not lambdas: a small file's run should not pay for the lambda machinery
    private static final Comparator<Relocation> BY_OFFSET = new Comparator<>() {
        @Override
        public int compare(Relocation a, Relocation b) {
            return Long.compare(a.offset(), b.offset());
        }
    };

    private static final Comparator<AsmSymbol> BY_DEFINITION = new Comparator<>() {
        @Override
        public int compare(AsmSymbol a, AsmSymbol b) {
            int x = a.order < 0 ? Integer.MAX_VALUE : a.order, y = b.order < 0 ? Integer.MAX_VALUE : b.order;
            return x != y ? Integer.compare(x, y) : a.name.compareTo(b.name);
        }
    };

    private Map<AsmSection, Integer> sectionIds;

    private long key(AsmSection s, int off) {
        if (sectionIds == null) {
            sectionIds = new HashMap<>();
            for (AsmSection x : sections.values()) sectionIds.put(x, sectionIds.size());
        }
        return (long) sectionIds.get(s) << 32 | off;
    }

    private static boolean isPcRelative(RelocKind k) {
        return switch (k) {
            case JUMP26, CALL26, CONDBR19, TSTBR14, LD_PREL_LO19, ADR_PREL_LO21 -> true;
            default -> false;
        };
    }

    private void resolve(Fixup f, byte[] b, List<Relocation> out, Set<AsmSymbol> needed, Map<Long, String> relocText) {
        Expression.Value v = Expression.eval(f.expr, true, f.index);
        AsmSymbol add = v.add(), sub = v.sub();
        for (AsmSymbol u : new AsmSymbol[] {add, sub}) {
            if (u == null || u.kind != AsmSymbol.UNDEFINED || !u.temporary) continue;
            if (u.name.endsWith("f") && Character.isDigit(u.name.charAt(0)))
                throw new AsmError(f.index, "local label '" + u.name + "' refers to no later '"
                        + u.name.substring(0, u.name.length() - 1) + ":'");
            throw new AsmError(f.index, "undefined symbol '" + u.name + "'");
        }
        RelocKind kind = f.kind;
        long addend = v.c();
        if (f.kind == null) { // data
            if (add == null && sub == null) {
                long c = checkRange(f.size, v.c(), f.index);
                for (int i = 0; i < f.size; i++) b[f.offset + i] = (byte) (c >>> (8 * i));
                return;
            }
            if (sub != null) {
                if (sub.kind != AsmSymbol.LABEL || sub.section != f.section || add == null)
                    throw new AsmError(f.index, "cannot represent the difference of '" + (add == null ? "" : add.name)
                            + "' and '" + sub.name + "': the subtracted symbol must be in this section");
                addend += f.offset - sub.offset;
                kind = switch (f.size) {
                    case 2 -> RelocKind.PREL16;
                    case 4 -> RelocKind.PREL32;
                    case 8 -> RelocKind.PREL64;
                    default -> throw new AsmError(f.index, "a " + f.size + "-byte value cannot hold a relocation");
                };
            } else {
                kind = switch (f.size) {
                    case 2 -> RelocKind.ABS16;
                    case 4 -> RelocKind.ABS32;
                    case 8 -> RelocKind.ABS64;
                    default -> throw new AsmError(f.index, "a " + f.size + "-byte value cannot hold a relocation to '"
                            + add.name + "'");
                };
            }
        } else {
            if (sub != null) throw new AsmError(f.index, "an instruction cannot refer to a difference of symbols");
            if (add == null) { // an absolute value
                if (isPcRelative(kind) || kind == RelocKind.ADR_PREL_PG_HI21 || kind == RelocKind.ADR_PREL_PG_HI21_NC)
                    throw new AsmError(f.index, "a PC-relative operand needs a symbol, not the absolute value " + v.c());
                String why = kind.apply(b, f.offset, v.c(), f.offset);
                if (why != null) throw new AsmError(f.index, "value out of range: " + why);
                return;
            }
            if (isPcRelative(kind) && add.kind == AsmSymbol.LABEL && add.section == f.section && add.isLocalBinding()) {
                String why = kind.apply(b, f.offset, (long) add.offset + v.c(), f.offset);
                if (why != null) throw new AsmError(f.index, "fixup out of range: " + why);
                return;
            }
        }
        String symName;
        if (add.kind == AsmSymbol.LABEL && add.isLocalBinding()) {
            if (!add.section.alloc) throw new AsmError(f.index, "reference to a non-allocatable section");
            symName = add.section.name;
            addend += add.offset;
        } else {
            symName = add.name;
            needed.add(add);
        }
        out.add(new Relocation(f.offset, kind, symName, addend, f.where.site()));
        if (relocText != null) relocText.put(key(f.section, f.offset), "R_AARCH64_" + kind.name() + " " + symName
                + (addend >= 0 ? "+" : "-") + Math.abs(addend));
    }

    private Module module(Map<AsmSection, byte[]> bytes, Map<AsmSection, List<Relocation>> relocs, Set<AsmSymbol> needed) {
        List<ModuleSection> out = new ArrayList<>();
        List<ModuleSymbol> syms = new ArrayList<>();
        Set<AsmSection> kept = new HashSet<>();
        for (AsmSection s : sections.values()) {
            if (!s.alloc) continue; // non-allocatable and empty (contents are an error): .note.GNU-stack and such
            kept.add(s);
            int flags = ModuleSection.ALLOC | (s.write ? ModuleSection.WRITE : 0) | (s.exec ? ModuleSection.EXEC : 0);
            out.add(new ModuleSection(s.name, flags, s.nobits, s.size(), s.alignment, bytes.get(s), relocs.get(s),
                    Arrays.copyOf(s.instructions, s.instructionCount)));
            syms.add(new ModuleSymbol(s.name, s.name, 0, 0, ModuleSymbol.Binding.LOCAL, ModuleSymbol.Type.SECTION));
        }
        List<AsmSymbol> ordered = new ArrayList<>(symbols.values());
        ordered.sort(BY_DEFINITION);
        List<ModuleSymbol> globals = new ArrayList<>();
        List<ModuleSymbol> undefined = new ArrayList<>();
        for (AsmSymbol s : ordered) {
            if (s.temporary || s.sectionName) continue;
            ModuleSymbol.Type type = s.type == AsmSymbol.FUNC ? ModuleSymbol.Type.FUNC
                    : s.type == AsmSymbol.OBJECT ? ModuleSymbol.Type.OBJECT : ModuleSymbol.Type.NOTYPE;
            ModuleSymbol.Binding bind = s.weak ? ModuleSymbol.Binding.WEAK
                    : s.global ? ModuleSymbol.Binding.GLOBAL : ModuleSymbol.Binding.LOCAL;
            String section = null;
            long value = 0;
            if (s.kind == AsmSymbol.LABEL) {
                if (!kept.contains(s.section)) continue;
                section = s.section.name;
                value = s.offset;
            } else if (s.kind == AsmSymbol.ASSIGNED) {
                Expression.Value v;
                try {
                    v = Expression.eval(s.value, true, 0);
                } catch (RuntimeException x) {
                    continue;
                }
                if (v.isConstant()) {
                    section = ModuleSymbol.ABSOLUTE;
                    value = v.c();
                } else if (v.sub() == null && v.add().kind == AsmSymbol.LABEL && kept.contains(v.add().section)) {
                    section = v.add().section.name;
                    value = v.add().offset + v.c();
                } else {
                    continue;
                }
            }
            if (section == null) {
                if (!(s.global || s.weak || needed.contains(s))) continue;
                if (bind == ModuleSymbol.Binding.LOCAL) bind = ModuleSymbol.Binding.GLOBAL;
                undefined.add(new ModuleSymbol(s.name, null, 0, s.size, bind, type));
                continue;
            }
            ModuleSymbol m = new ModuleSymbol(s.name, section, value, s.size, bind, type);
            (bind == ModuleSymbol.Binding.LOCAL ? syms : globals).add(m);
        }
        syms.addAll(globals);
        syms.addAll(undefined);
        return new Module(moduleName, out, syms);
    }
}
