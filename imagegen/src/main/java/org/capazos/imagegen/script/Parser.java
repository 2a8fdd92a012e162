package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.Lexer.Mode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the GNU ld script language (the part CapazOS links with; see {@code docs/linker-scripts.md} for the
 * full list) into a {@link LinkScript}:
 * <ul>
 *   <li>{@code ENTRY}, {@code MEMORY} (attributes choose regions as in GNU ld), {@code REGION_ALIAS},
 *       {@code PHDRS} ({@code FILEHDR}, {@code PHDRS}, {@code FLAGS}), {@code SECTIONS}, {@code INCLUDE}
 *       (anywhere GNU ld allows it), {@code OUTPUT_FORMAT}, {@code OUTPUT_ARCH}, {@code TARGET} (AArch64 ELF64
 *       little-endian only) and {@code SEARCH_DIR};</li>
 *   <li>assignments {@code sym = e;} and {@code . = e;} with {@code += -= *= /= <<= >>= &= |=},
 *       {@code PROVIDE}, {@code PROVIDE_HIDDEN}, {@code HIDDEN}, {@code ASSERT};</li>
 *   <li>output sections {@code name [addr] [(NOLOAD)] : [AT(e)] [ALIGN(e)] { ... } [>region] [AT>region]
 *       [:phdr...] [=fill]}, {@code /DISCARD/};</li>
 *   <li>input sections {@code [EXCLUDE_FILE(..)] file(pattern ...)}, {@code KEEP}, {@code SORT},
 *       {@code SORT_BY_NAME}, {@code SORT_BY_ALIGNMENT}, {@code SORT_BY_INIT_PRIORITY}, {@code SORT_NONE},
 *       {@code EXCLUDE_FILE} inside the list, {@code COMMON}; data {@code BYTE SHORT LONG QUAD SQUAD};
 *       {@code FILL}; {@code CONSTRUCTORS} (no effect on ELF, as in GNU ld);</li>
 *   <li>expressions with C operators and precedence, {@code ?:}, numbers with GNU ld's prefixes and suffixes,
 *       {@code .}, {@code ALIGN}, {@code BLOCK}, {@code ADDR}, {@code LOADADDR}, {@code SIZEOF}, {@code ALIGNOF},
 *       {@code ABSOLUTE}, {@code MAX}, {@code MIN}, {@code LOG2CEIL}, {@code NEXT}, {@code DEFINED},
 *       {@code ORIGIN}, {@code LENGTH}, {@code SIZEOF_HEADERS}, {@code CONSTANT}, {@code SEGMENT_START}.</li>
 * </ul>
 * Any other construct of GNU ld is an error naming the construct at {@code file:line:column}.
 */
public final class Parser {
    /** GNU ld keywords that are not supported: an error naming them, rather than "unexpected name". */
    private static final Set<String> UNSUPPORTED = Set.of(
            "INPUT", "GROUP", "AS_NEEDED", "OUTPUT", "STARTUP", "NOCROSSREFS", "NOCROSSREFS_TO", "EXTERN",
            "FORCE_COMMON_ALLOCATION", "INHIBIT_COMMON_ALLOCATION", "FORCE_GROUP_ALLOCATION", "INSERT",
            "OVERLAY", "VERSION", "REVERSE", "INPUT_SECTION_FLAGS", "CREATE_OBJECT_SYMBOLS", "SUBALIGN",
            "ALIGN_WITH_INPUT", "ONLY_IF_RO", "ONLY_IF_RW", "LD_FEATURE", "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_END",
            "DATA_SEGMENT_RELRO_END", "COPY", "INFO", "DSECT", "READONLY", "TYPE", "MAP", "ASCIZ",
            "LINKER_VERSION", "BYTE_ORDER");

    /** Output section types GNU ld knows, written {@code (TYPE)} after the name. */
    private static final Set<String> SECTION_TYPES = Set.of("NOLOAD", "COPY", "INFO", "DSECT", "OVERLAY",
            "READONLY", "TYPE");

    /** The sort keywords of input section descriptions. */
    private static final Set<String> SORTS = Set.of("SORT", "SORT_BY_NAME", "SORT_BY_ALIGNMENT",
            "SORT_BY_INIT_PRIORITY", "SORT_NONE");

    /** The data commands and their sizes. */
    private static final Map<String, Integer> DATA = Map.of("BYTE", 1, "SHORT", 2, "LONG", 4, "QUAD", 8, "SQUAD", 8);

    /** PHDRS types by name. */
    private static final Map<String, Long> PHDR_TYPES = Map.ofEntries(
            Map.entry("PT_NULL", PhdrSpec.PT_NULL), Map.entry("PT_LOAD", PhdrSpec.PT_LOAD),
            Map.entry("PT_DYNAMIC", PhdrSpec.PT_DYNAMIC), Map.entry("PT_INTERP", PhdrSpec.PT_INTERP),
            Map.entry("PT_NOTE", PhdrSpec.PT_NOTE), Map.entry("PT_SHLIB", PhdrSpec.PT_SHLIB),
            Map.entry("PT_PHDR", PhdrSpec.PT_PHDR), Map.entry("PT_TLS", PhdrSpec.PT_TLS),
            Map.entry("PT_GNU_EH_FRAME", PhdrSpec.PT_GNU_EH_FRAME), Map.entry("PT_GNU_STACK", PhdrSpec.PT_GNU_STACK),
            Map.entry("PT_GNU_RELRO", PhdrSpec.PT_GNU_RELRO), Map.entry("PT_GNU_PROPERTY", PhdrSpec.PT_GNU_PROPERTY));

    /** The output formats accepted: AArch64 ELF64 little-endian. */
    static final String FORMAT = "elf64-littleaarch64";
    private static final String BIG_FORMAT = "elf64-bigaarch64";

    /** Binary operators by precedence level (higher binds tighter). */
    private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(
            Map.entry("||", 1), Map.entry("&&", 2), Map.entry("|", 3), Map.entry("^", 4), Map.entry("&", 5),
            Map.entry("==", 6), Map.entry("!=", 6), Map.entry("<", 7), Map.entry("<=", 7), Map.entry(">", 7),
            Map.entry(">=", 7), Map.entry("<<", 8), Map.entry(">>", 8), Map.entry("+", 9), Map.entry("-", 9),
            Map.entry("*", 10), Map.entry("/", 10), Map.entry("%", 10));

    private static final Set<String> ASSIGN_OPS = Set.of("=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|=");

    /** How deep INCLUDEs may nest. */
    private static final int MAX_INCLUDE_DEPTH = 16;

    private final String mainFile;
    private final List<Path> libraryPaths;
    private Lexer lexer;
    private String file;
    private Path fileDir;
    private Token peeked;
    private Mode peekedMode;
    private Lexer.Mark beforePeek;

    private String entry;
    private SourceLocation entryAt;
    private final List<MemoryRegion> memory = new ArrayList<>();
    private final List<Statement> commands = new ArrayList<>();
    private final List<PhdrSpec> phdrs = new ArrayList<>();
    private boolean hasPhdrs;
    private final Map<String, String> regionAliases = new LinkedHashMap<>();
    private final Map<String, SourceLocation> aliasAt = new LinkedHashMap<>();
    private final List<String> sources = new ArrayList<>();
    private final List<Path> searchDirs = new ArrayList<>();
    private final Deque<String> includeStack = new ArrayDeque<>();

    private Parser(String file, String text, List<Path> libraryPaths) {
        this.mainFile = file;
        this.file = file;
        this.lexer = new Lexer(file, text);
        this.libraryPaths = List.copyOf(libraryPaths);
        this.fileDir = parentOf(file);
        sources.add(file);
        includeStack.push(normalize(file));
    }

    /** Parses {@code text}, naming {@code file} in locations and messages. */
    public static LinkScript parse(String file, String text) {
        return new Parser(file, text, List.of()).script();
    }

    /** Reads and parses the script at {@code path} (UTF-8); locations name the path as given. */
    public static LinkScript parse(Path path) throws IOException {
        return parse(path, List.of());
    }

    /**
     * Reads and parses the script at {@code path}; {@code INCLUDE} also searches {@code libraryPaths} (like
     * ld's {@code -L}), after the {@code SEARCH_DIR}s of the script.
     */
    public static LinkScript parse(Path path, List<Path> libraryPaths) throws IOException {
        return new Parser(path.toString(), Files.readString(path, StandardCharsets.UTF_8), libraryPaths).script();
    }

    /** Parses a single expression (for tests and defsym-like options). */
    public static Expr parseExpression(String file, String text) {
        Parser p = new Parser(file, text, List.of());
        Expr e = p.expression();
        p.expectEof();
        return e;
    }

    // ---- tokens -------------------------------------------------------------------------------------------

    private Token peek(Mode mode) {
        if (peeked != null && peekedMode == mode) return peeked;
        if (peeked != null) lexer.reset(beforePeek);
        beforePeek = lexer.mark();
        peeked = lexer.next(mode);
        peekedMode = mode;
        return peeked;
    }

    private Token next(Mode mode) {
        Token t = peek(mode);
        peeked = null;
        return t;
    }

    private Token peek() {
        return peek(Mode.EXPRESSION);
    }

    private Token next() {
        return next(Mode.EXPRESSION);
    }

    private Token expect(String op) {
        Token t = next();
        if (!t.is(op)) throw LinkException.at(t.at(), "expected '" + op + "', found " + t.describe());
        return t;
    }

    private boolean accept(String op) {
        if (peek().is(op)) {
            next();
            return true;
        }
        return false;
    }

    private Token expectName(Mode mode, String what) {
        Token t = next(mode);
        if (t.kind() == Token.Kind.STRING) return t; // quoted names
        if (t.kind() != Token.Kind.NAME) throw LinkException.at(t.at(), "expected " + what + ", found " + t.describe());
        return t;
    }

    private void expectEof() {
        Token t = peek();
        if (t.kind() != Token.Kind.EOF) throw LinkException.at(t.at(), "unexpected " + t.describe());
    }

    private static LinkException unsupported(Token t) {
        return LinkException.at(t.at(), "unsupported linker script construct '" + t.text()
                + "' (not supported by the CapazOS linker; see docs/linker-scripts.md)");
    }

    /** True at the end of a block: '}' normally, end of file in an INCLUDEd file. */
    private boolean atBlockEnd(boolean included, String what) {
        Token t = peek();
        if (included) {
            if (t.is("}")) throw LinkException.at(t.at(), "unexpected '}' in an INCLUDEd file (it must hold whole "
                    + what + " commands)");
            return t.kind() == Token.Kind.EOF;
        }
        if (t.kind() == Token.Kind.EOF) throw LinkException.at(t.at(), "missing '}' of " + what);
        return t.is("}");
    }

    // ---- top level ----------------------------------------------------------------------------------------

    private LinkScript script() {
        topLevel();
        for (Map.Entry<String, String> a : regionAliases.entrySet()) {
            boolean known = memory.stream().anyMatch(r -> r.name().equals(a.getValue()));
            if (!known) throw LinkException.at(aliasAt.get(a.getKey()), "REGION_ALIAS(" + a.getKey() + ", "
                    + a.getValue() + "): no memory region named " + a.getValue());
        }
        return new LinkScript(mainFile, entry, entryAt, memory, commands, phdrs, hasPhdrs, regionAliases, sources);
    }

    private void topLevel() {
        while (true) {
            Token t = peek();
            if (t.kind() == Token.Kind.EOF) return;
            if (accept(";")) continue;
            if (t.kind() != Token.Kind.NAME && t.kind() != Token.Kind.STRING)
                throw LinkException.at(t.at(), "expected a command or an assignment, found " + t.describe());
            switch (t.kind() == Token.Kind.STRING ? "" : t.text()) {
                case "ENTRY" -> entry();
                case "SECTIONS" -> {
                    next();
                    expect("{");
                    sectionsBody(false);
                    expect("}");
                }
                case "MEMORY" -> {
                    next();
                    expect("{");
                    memoryBody(false);
                    expect("}");
                }
                case "PHDRS" -> {
                    next();
                    hasPhdrs = true;
                    expect("{");
                    phdrsBody(false);
                    expect("}");
                }
                case "INCLUDE" -> include(this::topLevel);
                case "OUTPUT_FORMAT" -> outputFormat();
                case "OUTPUT_ARCH" -> outputArch();
                case "TARGET" -> target();
                case "SEARCH_DIR" -> searchDir();
                case "REGION_ALIAS" -> regionAlias();
                default -> commands.add(simpleStatement(Mode.EXPRESSION, false));
            }
        }
    }

    private void entry() {
        Token kw = next(Mode.PATTERN);
        if (entry != null) throw LinkException.at(kw.at(), "ENTRY given twice (first at " + entryAt + ")");
        expect("(");
        entry = expectName(Mode.EXPRESSION, "a symbol name").text();
        entryAt = kw.at();
        expect(")");
        accept(";");
    }

    /** A format or architecture name: a name (with dashes) or a string; {@code a:b} is read as one name. */
    private Token formatName() {
        Token t = next(Mode.PATTERN);
        if (t.kind() == Token.Kind.STRING) return t;
        if (t.kind() != Token.Kind.NAME) throw LinkException.at(t.at(), "expected a name, found " + t.describe());
        StringBuilder s = new StringBuilder(t.text());
        while (peek().is(":")) {
            next();
            s.append(':').append(next(Mode.PATTERN).text());
        }
        return new Token(Token.Kind.NAME, s.toString(), 0, t.at());
    }

    private void outputFormat() {
        Token kw = next();
        expect("(");
        List<Token> names = new ArrayList<>();
        names.add(formatName());
        while (accept(",")) names.add(formatName());
        expect(")");
        if (names.size() != 1 && names.size() != 3)
            throw LinkException.at(kw.at(), "OUTPUT_FORMAT takes one name or three (default, big, little), not "
                    + names.size());
        checkFormat("OUTPUT_FORMAT", names.get(0));
        if (names.size() == 3) {
            Token big = names.get(1);
            if (!big.text().equals(BIG_FORMAT) && !big.text().equals(FORMAT))
                throw LinkException.at(big.at(), "OUTPUT_FORMAT big-endian choice \"" + big.text() + "\" is not an "
                        + "AArch64 ELF64 format (expected " + BIG_FORMAT + ")");
            checkFormat("OUTPUT_FORMAT little-endian choice", names.get(2));
        }
    }

    private static void checkFormat(String what, Token name) {
        if (!name.text().equals(FORMAT))
            throw LinkException.at(name.at(), what + " \"" + name.text() + "\" is not AArch64 ELF64 little-endian "
                    + "(the CapazOS linker writes " + FORMAT + " only)");
    }

    private void outputArch() {
        next();
        expect("(");
        Token arch = formatName();
        expect(")");
        if (!arch.text().equals("aarch64"))
            throw LinkException.at(arch.at(), "OUTPUT_ARCH(" + arch.text() + ") is not AArch64 (the CapazOS linker "
                    + "links aarch64 only)");
    }

    private void target() {
        next();
        expect("(");
        Token t = formatName();
        expect(")");
        checkFormat("TARGET", t);
    }

    private void searchDir() {
        Token kw = next();
        expect("(");
        Token dir = next(Mode.PATTERN);
        if (dir.kind() != Token.Kind.NAME && dir.kind() != Token.Kind.STRING)
            throw LinkException.at(dir.at(), "expected a directory in SEARCH_DIR, found " + dir.describe());
        expect(")");
        accept(";");
        try {
            searchDirs.add(Path.of(dir.text()));
        } catch (InvalidPathException e) {
            throw LinkException.at(kw.at(), "SEARCH_DIR(" + dir.text() + "): not a valid path");
        }
    }

    private void regionAlias() {
        Token kw = next();
        expect("(");
        Token alias = expectName(Mode.EXPRESSION, "an alias name");
        expect(",");
        Token region = expectName(Mode.EXPRESSION, "a memory region name");
        expect(")");
        accept(";");
        if (regionAliases.containsKey(alias.text()) || memory.stream().anyMatch(r -> r.name().equals(alias.text())))
            throw LinkException.at(alias.at(), "REGION_ALIAS: " + alias.text() + " is already a region or alias");
        regionAliases.put(alias.text(), regionAliases.getOrDefault(region.text(), region.text()));
        aliasAt.put(alias.text(), kw.at());
    }

    // ---- INCLUDE --------------------------------------------------------------------------------------------

    /**
     * {@code INCLUDE file}: parses the file as {@code body} would (a whole list of the commands allowed where
     * the INCLUDE is written). The file is looked for as written (relative to the working directory), then in
     * the {@code SEARCH_DIR}s and library paths, then next to the including script.
     */
    private void include(Runnable body) {
        Token kw = next(Mode.PATTERN);
        Token name = next(Mode.PATTERN);
        if (name.kind() != Token.Kind.NAME && name.kind() != Token.Kind.STRING)
            throw LinkException.at(name.at(), "expected a file name after INCLUDE, found " + name.describe());
        Path found = findInclude(name.text(), kw.at());
        String shown = found.toString();
        String key = normalize(shown);
        if (includeStack.contains(key))
            throw LinkException.at(kw.at(), "INCLUDE " + name.text() + " includes itself (cycle through " + shown + ")");
        if (includeStack.size() > MAX_INCLUDE_DEPTH)
            throw LinkException.at(kw.at(), "INCLUDEs nested more than " + MAX_INCLUDE_DEPTH + " deep");
        String text;
        try {
            text = Files.readString(found, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw LinkException.at(kw.at(), "cannot read INCLUDEd file " + shown + ": " + e.getMessage());
        }
        Lexer savedLexer = lexer;
        String savedFile = file;
        Path savedDir = fileDir;
        lexer = new Lexer(shown, text);
        file = shown;
        fileDir = found.toAbsolutePath().getParent();
        peeked = null;
        includeStack.push(key);
        sources.add(shown);
        try {
            body.run();
            expectEof();
        } finally {
            includeStack.pop();
            lexer = savedLexer;
            file = savedFile;
            fileDir = savedDir;
            peeked = null;
        }
        accept(";");
    }

    private Path findInclude(String name, SourceLocation at) {
        List<Path> tried = new ArrayList<>();
        Path p;
        try {
            p = Path.of(name);
        } catch (InvalidPathException e) {
            throw LinkException.at(at, "INCLUDE " + name + ": not a valid path");
        }
        tried.add(p);
        if (!p.isAbsolute()) {
            for (Path dir : searchDirs) tried.add(dir.resolve(name));
            for (Path dir : libraryPaths) tried.add(dir.resolve(name));
            if (fileDir != null) tried.add(fileDir.resolve(name));
        }
        for (Path t : tried) if (Files.isRegularFile(t)) return t;
        throw LinkException.at(at, "cannot find INCLUDEd file " + name + " (looked at " + String.join(", ",
                tried.stream().map(Path::toString).toList()) + ")");
    }

    private static Path parentOf(String file) {
        try {
            Path p = Path.of(file).toAbsolutePath().getParent();
            return p != null && Files.isDirectory(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static String normalize(String file) {
        try {
            return Path.of(file).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return file;
        }
    }

    // ---- statements allowed anywhere ------------------------------------------------------------------------

    /** An assignment, PROVIDE, PROVIDE_HIDDEN, HIDDEN or ASSERT (the statements allowed everywhere). */
    private Statement simpleStatement(Mode nameMode, boolean inSections) {
        Token t = peek(nameMode);
        if (t.kind() == Token.Kind.NAME) {
            switch (t.text()) {
                case "ASSERT" -> {
                    return assertion();
                }
                case "PROVIDE", "PROVIDE_HIDDEN", "HIDDEN" -> {
                    next(nameMode);
                    expect("(");
                    Token name = expectName(nameMode, "a symbol name");
                    Statement.Provide kind = Statement.Provide.valueOf(t.text());
                    Statement.Assignment a = assignment(name, kind, t.at());
                    if (!a.op().equals("=")) throw LinkException.at(a.at(), t.text() + " needs '=', not '" + a.op() + "'");
                    if (a.isDot()) throw LinkException.at(a.at(), t.text() + " cannot assign the location counter");
                    expect(")");
                    expect(";");
                    return a;
                }
                default -> {
                    if (UNSUPPORTED.contains(t.text())) throw unsupported(t);
                    if (DATA.containsKey(t.text()) && !inSections)
                        throw LinkException.at(t.at(), "data command " + t.text() + " outside an output section");
                }
            }
        }
        Token name = next(nameMode);
        if (name.kind() != Token.Kind.NAME && name.kind() != Token.Kind.STRING)
            throw LinkException.at(name.at(), "expected a command or an assignment, found " + name.describe());
        if (!ASSIGN_OPS.contains(peek().text()) || peek().kind() != Token.Kind.OP)
            throw LinkException.at(name.at(), "unknown command '" + name.text() + "': expected an assignment"
                    + " ('" + name.text() + " = ...;') or a supported command");
        Statement.Assignment a = assignment(name, Statement.Provide.NONE, name.at());
        if (a.isDot() && !inSections)
            throw LinkException.at(a.at(), "assignment to the location counter outside SECTIONS");
        expect(";");
        return a;
    }

    private Statement.Assignment assignment(Token name, Statement.Provide provide, SourceLocation at) {
        Token op = next();
        if (op.kind() != Token.Kind.OP || !ASSIGN_OPS.contains(op.text()))
            throw LinkException.at(op.at(), "expected '=' after '" + name.text() + "', found " + op.describe());
        return new Statement.Assignment(name.text(), op.text(), expression(), provide, at);
    }

    private Statement.Assertion assertion() {
        Token kw = next(Mode.PATTERN);
        expect("(");
        Expr cond = expression();
        expect(",");
        Token msg = next();
        if (msg.kind() != Token.Kind.STRING)
            throw LinkException.at(msg.at(), "expected a message string in ASSERT, found " + msg.describe());
        expect(")");
        accept(";");
        return new Statement.Assertion(cond, msg.text(), kw.at());
    }

    // ---- MEMORY and PHDRS -----------------------------------------------------------------------------------

    private void memoryBody(boolean included) {
        while (!atBlockEnd(included, "MEMORY")) {
            if (accept(";")) continue;
            if (peek().isName("INCLUDE")) {
                include(() -> memoryBody(true));
                continue;
            }
            memory.add(region());
        }
    }

    private MemoryRegion region() {
        Token name = expectName(Mode.EXPRESSION, "a memory region name");
        for (MemoryRegion r : memory)
            if (r.name().equals(name.text()))
                throw LinkException.at(name.at(), "memory region " + name.text() + " is defined twice (first at "
                        + r.at() + ")");
        String attrs = "";
        if (accept("(")) {
            Token a = next(Mode.PATTERN);
            if (a.kind() != Token.Kind.NAME) throw LinkException.at(a.at(), "expected region attributes, found " + a.describe());
            attrs = a.text();
            for (char c : attrs.toCharArray())
                if (c != '!' && MemoryRegion.bit(c) < 0)
                    throw LinkException.at(a.at(), "unknown memory region attribute '" + c + "' in (" + attrs
                            + ") (GNU ld knows R W X A I L and !)");
            expect(")");
        }
        expect(":");
        Expr origin = null, length = null;
        for (int i = 0; i < 2; i++) {
            Token k = expectName(Mode.EXPRESSION, "ORIGIN or LENGTH");
            expect("=");
            switch (k.text()) {
                case "ORIGIN", "org", "o" -> origin = expression();
                case "LENGTH", "len", "l" -> length = expression();
                default -> throw LinkException.at(k.at(), "expected ORIGIN or LENGTH, found '" + k.text() + "'");
            }
            if (i == 0) accept(",");
        }
        if (origin == null || length == null)
            throw LinkException.at(name.at(), "memory region " + name.text() + " needs both ORIGIN and LENGTH");
        accept(";");
        return new MemoryRegion(name.text(), attrs, origin, length, name.at());
    }

    private void phdrsBody(boolean included) {
        while (!atBlockEnd(included, "PHDRS")) {
            if (accept(";")) continue;
            if (peek().isName("INCLUDE")) {
                include(() -> phdrsBody(true));
                continue;
            }
            Token name = expectName(Mode.EXPRESSION, "a program header name");
            for (PhdrSpec p : phdrs)
                if (p.name().equals(name.text()))
                    throw LinkException.at(name.at(), "program header " + name.text() + " is defined twice (first at "
                            + p.at() + ")");
            Token t = peek();
            long type;
            if (t.kind() == Token.Kind.NAME && PHDR_TYPES.containsKey(t.text())) {
                next();
                type = PHDR_TYPES.get(t.text());
            } else if (t.kind() == Token.Kind.NAME && t.text().startsWith("PT_")) {
                throw LinkException.at(t.at(), "unknown program header type " + t.text());
            } else {
                Expr e = expression();
                type = Evaluator.eval(e, CONSTANT_ONLY);
            }
            boolean fileHeader = false, programHeaders = false;
            Expr flags = null;
            while (!peek().is(";")) {
                Token k = next();
                if (k.isName("FILEHDR")) fileHeader = true;
                else if (k.isName("PHDRS")) programHeaders = true;
                else if (k.isName("FLAGS")) {
                    expect("(");
                    flags = expression();
                    expect(")");
                } else if (k.isName("AT")) {
                    throw LinkException.at(k.at(), "PHDRS AT(...) is not supported (GNU ld and ld.lld disagree about "
                            + "the sections' load addresses; give the sections AT(...) or AT>region instead)");
                } else {
                    throw LinkException.at(k.at(), "expected FILEHDR, PHDRS, FLAGS(...) or ';' in program header "
                            + name.text() + ", found " + k.describe());
                }
            }
            expect(";");
            phdrs.add(new PhdrSpec(name.text(), type, fileHeader, programHeaders, flags, name.at()));
        }
    }

    /** An environment for expressions that must be constants (PHDRS types). */
    private static final Environment CONSTANT_ONLY = new Environment() {
        @Override
        public long dot(SourceLocation at) {
            throw LinkException.at(at, "the location counter cannot be used here (a constant is needed)");
        }

        @Override
        public long symbol(String name, SourceLocation at) {
            throw LinkException.at(at, "symbol '" + name + "' cannot be used here (a constant is needed)");
        }

        @Override
        public boolean isDefined(String name) {
            return false;
        }

        @Override
        public long section(Expr.SectionFn function, String name, SourceLocation at) {
            throw LinkException.at(at, function + "(" + name + ") cannot be used here (a constant is needed)");
        }

        @Override
        public long region(boolean origin, String name, SourceLocation at) {
            throw LinkException.at(at, "memory region " + name + " cannot be used here (a constant is needed)");
        }
    };

    // ---- SECTIONS -----------------------------------------------------------------------------------------

    private void sectionsBody(boolean included) {
        while (!atBlockEnd(included, "SECTIONS")) {
            if (accept(";")) continue;
            Token t = peek(Mode.PATTERN);
            if (t.kind() != Token.Kind.NAME && t.kind() != Token.Kind.STRING)
                throw LinkException.at(t.at(), "expected an output section or an assignment, found " + t.describe());
            String word = t.kind() == Token.Kind.STRING ? "" : t.text();
            switch (word) {
                case "ENTRY" -> {
                    entry();
                    continue;
                }
                case "INCLUDE" -> {
                    include(() -> sectionsBody(true));
                    continue;
                }
                case "ASSERT", "PROVIDE", "PROVIDE_HIDDEN", "HIDDEN" -> {
                    commands.add(simpleStatement(Mode.PATTERN, true));
                    continue;
                }
                default -> { }
            }
            if (UNSUPPORTED.contains(word)) throw unsupported(t);
            if (DATA.containsKey(word) || word.equals("FILL") || word.equals("CONSTRUCTORS") || word.equals("KEEP")
                    || SORTS.contains(word) || word.equals("EXCLUDE_FILE"))
                throw LinkException.at(t.at(), word + " must be written inside an output section description");
            next(Mode.PATTERN);
            if (peek().kind() == Token.Kind.OP && ASSIGN_OPS.contains(peek().text())) {
                commands.add(assignment(t, Statement.Provide.NONE, t.at()));
                expect(";");
            } else {
                commands.add(outputSection(t));
            }
        }
    }

    private Statement.OutputSection outputSection(Token name) {
        Expr address = null;
        boolean noload = false;
        if (!peek().is(":")) {
            if (!isSectionType()) address = expression();
            if (isSectionType()) noload = sectionType();
        }
        expect(":");
        Expr lma = null, align = null;
        while (peek().kind() == Token.Kind.NAME) {
            Token k = peek();
            if (k.isName("AT")) {
                next();
                expect("(");
                lma = expression();
                expect(")");
            } else if (k.isName("ALIGN")) {
                next();
                expect("(");
                align = expression();
                expect(")");
            } else if (UNSUPPORTED.contains(k.text())) {
                throw unsupported(k);
            } else {
                throw LinkException.at(k.at(), "unexpected '" + k.text() + "' in the description of output section "
                        + name.text() + " (expected AT(...), ALIGN(...) or '{')");
            }
        }
        expect("{");
        List<Statement> body = new ArrayList<>();
        sectionBody(body, name.text(), false);
        expect("}");
        String region = null, lmaRegion = null;
        List<String> phdrList = null;
        Expr fill = null;
        while (true) {
            Token t = peek();
            if (t.is(">")) {
                next();
                region = expectName(Mode.EXPRESSION, "a memory region name").text();
            } else if (t.isName("AT")) {
                Lexer.Mark m = beforePeek;
                next();
                if (!peek().is(">")) { // a symbol named AT on the next line: not ours
                    lexer.reset(m);
                    peeked = null;
                    break;
                }
                next();
                lmaRegion = expectName(Mode.EXPRESSION, "a memory region name").text();
            } else if (t.is(":")) {
                next();
                Token p = expectName(Mode.EXPRESSION, "a program header name");
                if (phdrList == null) phdrList = new ArrayList<>();
                phdrList.add(p.text());
            } else if (t.is("=")) {
                next();
                fill = expression();
            } else if (t.is(",")) {
                next();
                break;
            } else {
                break;
            }
        }
        if (lma != null && lmaRegion != null)
            throw LinkException.at(name.at(), "output section " + name.text() + " has both AT(...) and AT>region");
        if (name.text().equals("/DISCARD/")) {
            for (Statement s : body)
                if (!(s instanceof Statement.InputSpec))
                    throw LinkException.at(s.at(), "only input section descriptions may be written in /DISCARD/ "
                            + "(GNU ld: illegal use of /DISCARD/ section)");
        }
        return new Statement.OutputSection(name.text(), address, noload, lma, align, region, lmaRegion, phdrList,
                fill, body, name.at());
    }

    /** True if the next tokens are {@code ( TYPE} with a known section type. */
    private boolean isSectionType() {
        if (!peek().is("(")) return false;
        Lexer.Mark m = beforePeek;
        next();
        Token type = next();
        boolean result = type.kind() == Token.Kind.NAME && SECTION_TYPES.contains(type.text());
        lexer.reset(m);
        peeked = null;
        return result;
    }

    private boolean sectionType() {
        expect("(");
        Token type = next();
        if (!type.isName("NOLOAD")) throw LinkException.at(type.at(), "unsupported output section type '"
                + type.text() + "' (only NOLOAD is supported by the CapazOS linker)");
        expect(")");
        return true;
    }

    private void sectionBody(List<Statement> out, String section, boolean included) {
        while (!atBlockEnd(included, "output section " + section)) {
            if (accept(";")) continue;
            Token t = peek(Mode.PATTERN);
            if (t.kind() == Token.Kind.STRING) {
                next(Mode.PATTERN);
                if (peek().kind() == Token.Kind.OP && ASSIGN_OPS.contains(peek().text())) {
                    out.add(assignment(t, Statement.Provide.NONE, t.at()));
                    expect(";");
                } else {
                    out.add(inputSpec(t, List.of(), false, false));
                }
                continue;
            }
            if (t.kind() != Token.Kind.NAME)
                throw LinkException.at(t.at(), "expected an input section description or an assignment, found "
                        + t.describe());
            switch (t.text()) {
                case "ASSERT", "PROVIDE", "PROVIDE_HIDDEN", "HIDDEN" -> out.add(simpleStatement(Mode.PATTERN, true));
                case "INCLUDE" -> include(() -> sectionBody(out, section, true));
                case "ENTRY" -> entry();
                case "CONSTRUCTORS" -> next(Mode.PATTERN); // no effect for ELF output, as in GNU ld
                case "FILL" -> {
                    next(Mode.PATTERN);
                    expect("(");
                    Expr e = expression();
                    expect(")");
                    accept(";");
                    out.add(new Statement.Fill(e, t.at()));
                }
                case "KEEP" -> {
                    next(Mode.PATTERN);
                    expect("(");
                    out.add(inputSpecNoKeep(true));
                    expect(")");
                }
                default -> {
                    if (DATA.containsKey(t.text())) {
                        next(Mode.PATTERN);
                        expect("(");
                        Expr e = expression();
                        expect(")");
                        accept(";");
                        out.add(new Statement.Data(t.text(), DATA.get(t.text()), e, t.at()));
                    } else if (UNSUPPORTED.contains(t.text())) {
                        throw unsupported(t);
                    } else if (SORTS.contains(t.text()) || t.text().equals("EXCLUDE_FILE")) {
                        out.add(inputSpecNoKeep(false));
                    } else {
                        next(Mode.PATTERN);
                        if (peek().kind() == Token.Kind.OP && ASSIGN_OPS.contains(peek().text())) {
                            out.add(assignment(t, Statement.Provide.NONE, t.at()));
                            expect(";");
                        } else {
                            out.add(inputSpec(t, List.of(), false, false));
                        }
                    }
                }
            }
        }
    }

    /** {@code [EXCLUDE_FILE(...)] file (sections)} or {@code SORT(file)(sections)}, after KEEP( if any. */
    private Statement.InputSpec inputSpecNoKeep(boolean keep) {
        Token t = next(Mode.PATTERN);
        if (t.isName("EXCLUDE_FILE")) {
            List<Glob> excluded = excludeList(t);
            Token file = next(Mode.PATTERN);
            checkFilePattern(file);
            return inputSpec(file, excluded, false, keep);
        }
        if (t.isName("SORT") || t.isName("SORT_BY_NAME")) {
            expect("(");
            List<Glob> excluded = List.of();
            Token file = next(Mode.PATTERN);
            if (file.isName("EXCLUDE_FILE")) {
                excluded = excludeList(file);
                file = next(Mode.PATTERN);
            }
            checkFilePattern(file);
            expect(")");
            return inputSpec(file, excluded, true, keep);
        }
        if (SORTS.contains(t.text()))
            throw LinkException.at(t.at(), t.text() + " cannot sort input files (only SORT and SORT_BY_NAME can)");
        checkFilePattern(t);
        return inputSpec(t, List.of(), false, keep);
    }

    private static void checkFilePattern(Token file) {
        if (file.kind() != Token.Kind.NAME && file.kind() != Token.Kind.STRING)
            throw LinkException.at(file.at(), "expected an input file pattern, found " + file.describe());
        if (file.kind() == Token.Kind.NAME && (UNSUPPORTED.contains(file.text()) || SORTS.contains(file.text())
                || file.text().equals("EXCLUDE_FILE") || file.text().equals("KEEP")))
            throw unsupported(file);
    }

    private Statement.InputSpec inputSpec(Token file, List<Glob> excluded, boolean sortFiles, boolean keep) {
        if (peek().is(":"))
            throw LinkException.at(peek().at(), "archive:member file patterns ('" + file.text() + ":...') are not "
                    + "supported (there are no archives)");
        List<Statement.SectionPattern> patterns = new ArrayList<>();
        if (peek().is("(")) {
            next();
            while (!peek().is(")")) {
                if (accept(",")) continue;
                patterns.add(sectionPattern());
            }
            if (patterns.isEmpty())
                throw LinkException.at(file.at(), "input section description without a section pattern");
            expect(")");
        }
        return new Statement.InputSpec(keep, Glob.of(file.text()), sortFiles, excluded, patterns, file.at());
    }

    private List<Glob> excludeList(Token kw) {
        expect("(");
        List<Glob> out = new ArrayList<>();
        while (!peek().is(")")) {
            Token f = next(Mode.PATTERN);
            if (f.kind() != Token.Kind.NAME && f.kind() != Token.Kind.STRING)
                throw LinkException.at(f.at(), "expected a file name pattern in EXCLUDE_FILE, found " + f.describe());
            out.add(Glob.of(f.text()));
        }
        if (out.isEmpty()) throw LinkException.at(kw.at(), "EXCLUDE_FILE without a file pattern");
        expect(")");
        return out;
    }

    private Statement.SectionPattern sectionPattern() {
        Token t = next(Mode.PATTERN);
        if (t.kind() == Token.Kind.STRING) return new Statement.SectionPattern(Glob.of(t.text()), List.of(),
                Statement.Sort.NONE);
        if (t.kind() != Token.Kind.NAME)
            throw LinkException.at(t.at(), "expected a section name pattern, found " + t.describe());
        if (t.text().equals("EXCLUDE_FILE")) {
            List<Glob> excluded = excludeList(t);
            return new Statement.SectionPattern(Glob.of(sectionName().text()), excluded, Statement.Sort.NONE);
        }
        if (SORTS.contains(t.text())) {
            Statement.Sort outer = sortOf(t);
            expect("(");
            Token inner = peek(Mode.PATTERN);
            Statement.SectionPattern p;
            if (inner.kind() == Token.Kind.NAME && SORTS.contains(inner.text())) {
                next(Mode.PATTERN);
                Statement.Sort in = sortOf(inner);
                Statement.Sort combined = combine(outer, in, inner);
                expect("(");
                p = maybeExcluded(combined);
                expect(")");
            } else {
                p = maybeExcluded(outer);
            }
            expect(")");
            return p;
        }
        if (UNSUPPORTED.contains(t.text())) throw unsupported(t);
        return new Statement.SectionPattern(Glob.of(t.text()), List.of(), Statement.Sort.NONE);
    }

    private Statement.SectionPattern maybeExcluded(Statement.Sort sort) {
        Token t = peek(Mode.PATTERN);
        List<Glob> excluded = List.of();
        if (t.isName("EXCLUDE_FILE")) {
            next(Mode.PATTERN);
            excluded = excludeList(t);
        }
        return new Statement.SectionPattern(Glob.of(sectionName().text()), excluded, sort);
    }

    private Token sectionName() {
        Token t = next(Mode.PATTERN);
        if (t.kind() != Token.Kind.NAME && t.kind() != Token.Kind.STRING)
            throw LinkException.at(t.at(), "expected a section name pattern, found " + t.describe());
        if (t.kind() == Token.Kind.NAME && (SORTS.contains(t.text()) || UNSUPPORTED.contains(t.text())))
            throw LinkException.at(t.at(), "unsupported linker script construct '" + t.text() + "' at this place");
        return t;
    }

    private static Statement.Sort sortOf(Token t) {
        return switch (t.text()) {
            case "SORT", "SORT_BY_NAME" -> Statement.Sort.BY_NAME;
            case "SORT_BY_ALIGNMENT" -> Statement.Sort.BY_ALIGNMENT;
            case "SORT_BY_INIT_PRIORITY" -> Statement.Sort.BY_INIT_PRIORITY;
            default -> Statement.Sort.NONE;
        };
    }

    /** The sort of {@code outer(inner(...))}, as GNU ld's grammar allows them. */
    private static Statement.Sort combine(Statement.Sort outer, Statement.Sort inner, Token at) {
        if (outer == Statement.Sort.BY_NAME && inner == Statement.Sort.BY_NAME) return Statement.Sort.BY_NAME;
        if (outer == Statement.Sort.BY_NAME && inner == Statement.Sort.BY_ALIGNMENT)
            return Statement.Sort.BY_NAME_ALIGNMENT;
        if (outer == Statement.Sort.BY_ALIGNMENT && inner == Statement.Sort.BY_NAME)
            return Statement.Sort.BY_ALIGNMENT_NAME;
        if (outer == Statement.Sort.BY_ALIGNMENT && inner == Statement.Sort.BY_ALIGNMENT)
            return Statement.Sort.BY_ALIGNMENT;
        throw LinkException.at(at.at(), at.text() + " cannot be nested here (GNU ld nests only SORT_BY_NAME and "
                + "SORT_BY_ALIGNMENT in each other)");
    }

    // ---- expressions --------------------------------------------------------------------------------------

    private Expr expression() {
        Expr cond = binary(1);
        if (peek().is("?")) {
            Token q = next();
            Expr t = expression();
            expect(":");
            Expr f = expression();
            return new Expr.Conditional(cond, t, f, q.at());
        }
        return cond;
    }

    private Expr binary(int level) {
        if (level > 10) return unary();
        Expr left = binary(level + 1);
        while (true) {
            Token op = peek();
            Integer p = op.kind() == Token.Kind.OP ? PRECEDENCE.get(op.text()) : null;
            if (p == null || p != level) return left;
            next();
            Expr right = binary(level + 1);
            left = new Expr.Binary(op.text(), left, right, op.at());
        }
    }

    private Expr unary() {
        Token t = peek();
        if (t.is("-") || t.is("!") || t.is("~") || t.is("+")) {
            next();
            return new Expr.Unary(t.text(), unary(), t.at());
        }
        return primary();
    }

    private Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case NUMBER:
                String hex = t.text().matches("0[xX][0-9a-fA-F]+") ? t.text().substring(2) : null;
                return new Expr.Num(t.value(), hex, t.at());
            case STRING:
                return new Expr.Sym(t.text(), t.at());
            case OP:
                if (t.is("(")) {
                    Expr e = expression();
                    expect(")");
                    return e;
                }
                throw LinkException.at(t.at(), "expected an expression, found " + t.describe());
            case EOF:
                throw LinkException.at(t.at(), "expected an expression, found end of file");
            default:
                break;
        }
        if (t.text().equals(".")) return new Expr.Dot(t.at());
        if (t.text().equals("SIZEOF_HEADERS") || t.text().equals("sizeof_headers")) return new Expr.SizeofHeaders(t.at());
        if (!peek().is("(")) {
            if (UNSUPPORTED.contains(t.text())) throw unsupported(t);
            return new Expr.Sym(t.text(), t.at());
        }
        return call(t);
    }

    private Expr call(Token fn) {
        expect("(");
        Expr result;
        switch (fn.text()) {
            case "ADDR", "LOADADDR", "SIZEOF", "ALIGNOF" -> {
                Token s = next(Mode.PATTERN);
                if (s.kind() != Token.Kind.NAME && s.kind() != Token.Kind.STRING)
                    throw LinkException.at(s.at(), "expected an output section name, found " + s.describe());
                result = new Expr.SectionQuery(Expr.SectionFn.valueOf(fn.text()), s.text(), fn.at());
            }
            case "ORIGIN", "LENGTH" -> result = new Expr.RegionQuery(fn.text().equals("ORIGIN"),
                    expectName(Mode.EXPRESSION, "a memory region name").text(), fn.at());
            case "DEFINED" -> result = new Expr.Defined(expectName(Mode.EXPRESSION, "a symbol name").text(), fn.at());
            case "CONSTANT" -> {
                Token k = expectName(Mode.EXPRESSION, "MAXPAGESIZE or COMMONPAGESIZE");
                if (!k.text().equals("MAXPAGESIZE") && !k.text().equals("COMMONPAGESIZE"))
                    throw LinkException.at(k.at(), "unknown constant '" + k.text() + "' (CONSTANT takes MAXPAGESIZE "
                            + "or COMMONPAGESIZE)");
                result = new Expr.Constant(k.text(), fn.at());
            }
            case "SEGMENT_START" -> {
                Token seg = next(Mode.PATTERN);
                if (seg.kind() != Token.Kind.NAME && seg.kind() != Token.Kind.STRING)
                    throw LinkException.at(seg.at(), "expected a segment name, found " + seg.describe());
                expect(",");
                result = new Expr.SegmentStart(seg.text(), expression(), fn.at());
            }
            case "ALIGN", "BLOCK", "ABSOLUTE", "MAX", "MIN", "LOG2CEIL", "NEXT" -> {
                String name = fn.text().equals("BLOCK") ? "ALIGN" : fn.text();
                List<Expr> args = new ArrayList<>();
                args.add(expression());
                while (accept(",")) args.add(expression());
                int min = name.equals("MAX") || name.equals("MIN") ? 2 : 1;
                int max = name.equals("ALIGN") || min == 2 ? 2 : 1;
                if (fn.text().equals("BLOCK")) max = 1;
                if (args.size() < min || args.size() > max)
                    throw LinkException.at(fn.at(), fn.text() + " takes " + (min == max ? "" + min : min + " or " + max)
                            + " argument" + (max > 1 ? "s" : "") + ", not " + args.size());
                result = new Expr.Call(name, args, fn.at());
            }
            default -> {
                if (UNSUPPORTED.contains(fn.text())) throw unsupported(fn);
                throw LinkException.at(fn.at(), "unknown function '" + fn.text() + "'");
            }
        }
        expect(")");
        return result;
    }
}
