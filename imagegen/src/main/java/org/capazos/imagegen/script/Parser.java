package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.Lexer.Mode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the CapazOS subset of the GNU ld script language into a {@link LinkScript}:
 * <ul>
 *   <li>{@code ENTRY(symbol)}, {@code MEMORY { name (attrs) : ORIGIN = e, LENGTH = e }}, {@code SECTIONS { }};</li>
 *   <li>assignments {@code sym = e;} and {@code . = e;} (also {@code += -= *= /= <<= >>= &= |=}),
 *       {@code PROVIDE(sym = e);}, {@code PROVIDE_HIDDEN(sym = e);}, {@code ASSERT(e, "message")};</li>
 *   <li>output sections {@code name [addr] [(NOLOAD)] : [AT(e)] [ALIGN(e)] { ... } [>region] [AT>region]},
 *       {@code /DISCARD/};</li>
 *   <li>input sections {@code filePattern(sectionPattern ...)} and {@code KEEP(...)} with {@code * ? [..]};</li>
 *   <li>expressions with C operators and precedence, {@code ?:}, numbers in decimal, octal ({@code 0..}) and
 *       hex with K/M suffixes, {@code .}, {@code ALIGN(a)}, {@code ALIGN(e, a)}, {@code ADDR}, {@code LOADADDR},
 *       {@code SIZEOF}, {@code ALIGNOF}, {@code ABSOLUTE}, {@code MAX}, {@code MIN}, {@code DEFINED},
 *       {@code ORIGIN}, {@code LENGTH}; comments {@code /* *}{@code /}.</li>
 * </ul>
 * Any other construct of GNU ld is an error naming the construct at {@code file:line:column}.
 */
public final class Parser {
    /** GNU ld keywords that are outside the subset: an error naming them, rather than "unexpected name". */
    private static final Set<String> UNSUPPORTED = Set.of(
            "INCLUDE", "INPUT", "GROUP", "AS_NEEDED", "OUTPUT", "SEARCH_DIR", "STARTUP", "OUTPUT_FORMAT",
            "OUTPUT_ARCH", "TARGET", "REGION_ALIAS", "NOCROSSREFS", "NOCROSSREFS_TO", "EXTERN",
            "FORCE_COMMON_ALLOCATION", "INHIBIT_COMMON_ALLOCATION", "FORCE_GROUP_ALLOCATION", "INSERT",
            "PHDRS", "OVERLAY", "HIDDEN", "VERSION", "SECTIONS_ALIAS", "SORT", "SORT_BY_NAME",
            "SORT_BY_ALIGNMENT", "SORT_BY_INIT_PRIORITY", "SORT_NONE", "REVERSE", "EXCLUDE_FILE",
            "INPUT_SECTION_FLAGS", "BYTE", "SHORT", "LONG", "QUAD", "SQUAD", "FILL", "CONSTRUCTORS",
            "CREATE_OBJECT_SYMBOLS", "SUBALIGN", "ALIGN_WITH_INPUT", "ONLY_IF_RO", "ONLY_IF_RW", "LD_FEATURE",
            "CONSTANT", "SIZEOF_HEADERS", "SEGMENT_START", "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_END",
            "DATA_SEGMENT_RELRO_END", "NEXT", "BLOCK", "LOG2CEIL", "COPY", "INFO", "DSECT", "READONLY", "TYPE");

    /** Binary operators by precedence level (higher binds tighter). */
    private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(
            Map.entry("||", 1), Map.entry("&&", 2), Map.entry("|", 3), Map.entry("^", 4), Map.entry("&", 5),
            Map.entry("==", 6), Map.entry("!=", 6), Map.entry("<", 7), Map.entry("<=", 7), Map.entry(">", 7),
            Map.entry(">=", 7), Map.entry("<<", 8), Map.entry(">>", 8), Map.entry("+", 9), Map.entry("-", 9),
            Map.entry("*", 10), Map.entry("/", 10), Map.entry("%", 10));

    private static final Set<String> ASSIGN_OPS = Set.of("=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|=");

    private final Lexer lexer;
    private final String file;
    private Token peeked;
    private Mode peekedMode;
    private Lexer.Mark beforePeek;

    private Parser(String file, String text) {
        this.file = file;
        this.lexer = new Lexer(file, text);
    }

    /** Parses {@code text}, naming {@code file} in locations and messages. */
    public static LinkScript parse(String file, String text) {
        return new Parser(file, text).script();
    }

    /** Reads and parses the script at {@code path} (UTF-8); locations name the path as given. */
    public static LinkScript parse(Path path) throws IOException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Parses a single expression (for tests and defsym-like options). */
    public static Expr parseExpression(String file, String text) {
        Parser p = new Parser(file, text);
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
        if (t.kind() == Token.Kind.STRING && mode == Mode.EXPRESSION) return t; // quoted symbol names
        if (t.kind() != Token.Kind.NAME) throw LinkException.at(t.at(), "expected " + what + ", found " + t.describe());
        return t;
    }

    private void expectEof() {
        Token t = peek();
        if (t.kind() != Token.Kind.EOF) throw LinkException.at(t.at(), "unexpected " + t.describe());
    }

    private static LinkException unsupported(Token t) {
        return LinkException.at(t.at(), "unsupported linker script construct '" + t.text()
                + "' (outside the CapazOS link-script subset)");
    }

    // ---- top level ----------------------------------------------------------------------------------------

    private LinkScript script() {
        String entry = null;
        SourceLocation entryAt = null;
        List<MemoryRegion> memory = new ArrayList<>();
        List<Statement> commands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind() == Token.Kind.EOF) break;
            if (accept(";")) continue;
            if (t.kind() != Token.Kind.NAME && t.kind() != Token.Kind.STRING)
                throw LinkException.at(t.at(), "expected a command or an assignment, found " + t.describe());
            switch (t.kind() == Token.Kind.STRING ? "" : t.text()) {
                case "ENTRY" -> {
                    next();
                    if (entry != null) throw LinkException.at(t.at(), "ENTRY given twice (first at " + entryAt + ")");
                    expect("(");
                    entry = expectName(Mode.EXPRESSION, "a symbol name").text();
                    entryAt = t.at();
                    expect(")");
                    accept(";");
                }
                case "SECTIONS" -> {
                    next();
                    expect("{");
                    sectionsBody(commands);
                    expect("}");
                }
                case "MEMORY" -> {
                    next();
                    expect("{");
                    while (!accept("}")) memory.add(region());
                }
                default -> commands.add(simpleStatement(Mode.EXPRESSION));
            }
        }
        return new LinkScript(file, entry, entryAt, memory, commands);
    }

    /** An assignment, PROVIDE or ASSERT (the statements allowed everywhere). */
    private Statement simpleStatement(Mode nameMode) {
        Token t = peek(nameMode);
        if (t.kind() == Token.Kind.NAME) {
            switch (t.text()) {
                case "ASSERT" -> {
                    return assertion();
                }
                case "PROVIDE", "PROVIDE_HIDDEN" -> {
                    next(nameMode);
                    expect("(");
                    Token name = expectName(nameMode, "a symbol name");
                    Statement.Assignment a = assignment(name, t.text().equals("PROVIDE")
                            ? Statement.Provide.PROVIDE : Statement.Provide.PROVIDE_HIDDEN, t.at());
                    if (!a.op().equals("=")) throw LinkException.at(a.at(), t.text() + " needs '=', not '" + a.op() + "'");
                    if (a.isDot()) throw LinkException.at(a.at(), t.text() + " cannot assign the location counter");
                    expect(")");
                    expect(";");
                    return a;
                }
                default -> {
                    if (UNSUPPORTED.contains(t.text())) throw unsupported(t);
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
        Token kw = next();
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

    private MemoryRegion region() {
        Token name = expectName(Mode.EXPRESSION, "a memory region name");
        String attrs = "";
        if (accept("(")) {
            Token a = next(Mode.PATTERN);
            if (a.kind() != Token.Kind.NAME) throw LinkException.at(a.at(), "expected region attributes, found " + a.describe());
            attrs = a.text();
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

    // ---- SECTIONS -----------------------------------------------------------------------------------------

    private void sectionsBody(List<Statement> out) {
        while (!peek().is("}")) {
            if (peek().kind() == Token.Kind.EOF) throw LinkException.at(peek().at(), "missing '}' of SECTIONS");
            if (accept(";")) continue;
            Token t = peek(Mode.PATTERN);
            if (t.kind() != Token.Kind.NAME)
                throw LinkException.at(t.at(), "expected an output section or an assignment, found " + t.describe());
            if (t.text().equals("ASSERT") || t.text().startsWith("PROVIDE") || UNSUPPORTED.contains(t.text())) {
                out.add(simpleStatement(Mode.PATTERN));
                continue;
            }
            next(Mode.PATTERN);
            if (peek().kind() == Token.Kind.OP && ASSIGN_OPS.contains(peek().text())) {
                out.add(assignment(t, Statement.Provide.NONE, t.at()));
                expect(";");
            } else {
                out.add(outputSection(t));
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
        while (!accept("}")) {
            if (peek().kind() == Token.Kind.EOF)
                throw LinkException.at(peek().at(), "missing '}' of output section " + name.text());
            body.add(sectionCommand());
        }
        String region = null, lmaRegion = null;
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
                throw LinkException.at(t.at(), "unsupported linker script construct ':phdr' (program headers are "
                        + "outside the CapazOS link-script subset)");
            } else if (t.is("=")) {
                throw LinkException.at(t.at(), "unsupported linker script construct '=fill' (fill expressions are "
                        + "outside the CapazOS link-script subset)");
            } else if (t.is(",")) {
                next();
            } else {
                break;
            }
        }
        if (lma != null && lmaRegion != null)
            throw LinkException.at(name.at(), "output section " + name.text() + " has both AT(...) and AT>region");
        return new Statement.OutputSection(name.text(), address, noload, lma, align, region, lmaRegion, body, name.at());
    }

    /** True if the next tokens are {@code ( TYPE )}. */
    private boolean isSectionType() {
        if (!peek().is("(")) return false;
        Lexer.Mark m = beforePeek;
        next();
        Token type = next();
        boolean result = type.kind() == Token.Kind.NAME && peek().is(")")
                && (type.text().equals("NOLOAD") || UNSUPPORTED.contains(type.text()));
        lexer.reset(m);
        peeked = null;
        return result;
    }

    private boolean sectionType() {
        expect("(");
        Token type = next();
        if (!type.isName("NOLOAD")) throw LinkException.at(type.at(), "unsupported output section type '"
                + type.text() + "' (only NOLOAD is in the CapazOS link-script subset)");
        expect(")");
        return true;
    }

    private Statement sectionCommand() {
        if (accept(";")) return sectionCommand();
        Token t = peek(Mode.PATTERN);
        if (t.kind() != Token.Kind.NAME)
            throw LinkException.at(t.at(), "expected an input section description or an assignment, found "
                    + t.describe());
        if (t.text().equals("ASSERT") || t.text().startsWith("PROVIDE") || UNSUPPORTED.contains(t.text()))
            return simpleStatement(Mode.PATTERN);
        next(Mode.PATTERN);
        if (t.text().equals("KEEP")) {
            expect("(");
            Token file = next(Mode.PATTERN);
            if (file.kind() != Token.Kind.NAME)
                throw LinkException.at(file.at(), "expected an input file pattern in KEEP, found " + file.describe());
            if (UNSUPPORTED.contains(file.text())) throw unsupported(file);
            Statement.InputSpec spec = inputSpec(file, true);
            expect(")");
            return spec;
        }
        if (peek().kind() == Token.Kind.OP && ASSIGN_OPS.contains(peek().text())) {
            Statement.Assignment a = assignment(t, Statement.Provide.NONE, t.at());
            expect(";");
            return a;
        }
        if (!peek().is("("))
            throw LinkException.at(peek().at(), "expected '(' after input file pattern '" + t.text() + "', found "
                    + peek().describe());
        return inputSpec(t, false);
    }

    private Statement.InputSpec inputSpec(Token file, boolean keep) {
        expect("(");
        List<Glob> sections = new ArrayList<>();
        while (!peek().is(")")) {
            Token s = next(Mode.PATTERN);
            if (s.kind() != Token.Kind.NAME)
                throw LinkException.at(s.at(), "expected a section name pattern, found " + s.describe());
            if (UNSUPPORTED.contains(s.text())) throw unsupported(s);
            sections.add(Glob.of(s.text()));
        }
        if (sections.isEmpty()) throw LinkException.at(file.at(), "input section description without a section pattern");
        expect(")");
        return new Statement.InputSpec(keep, Glob.of(file.text()), sections, file.at());
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
                return new Expr.Num(t.value(), t.at());
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
                if (s.kind() != Token.Kind.NAME)
                    throw LinkException.at(s.at(), "expected an output section name, found " + s.describe());
                result = new Expr.SectionQuery(Expr.SectionFn.valueOf(fn.text()), s.text(), fn.at());
            }
            case "ORIGIN", "LENGTH" -> result = new Expr.RegionQuery(fn.text().equals("ORIGIN"),
                    expectName(Mode.EXPRESSION, "a memory region name").text(), fn.at());
            case "DEFINED" -> result = new Expr.Defined(expectName(Mode.EXPRESSION, "a symbol name").text(), fn.at());
            case "ALIGN", "ABSOLUTE", "MAX", "MIN" -> {
                List<Expr> args = new ArrayList<>();
                args.add(expression());
                while (accept(",")) args.add(expression());
                int min = fn.text().equals("ALIGN") || fn.text().equals("ABSOLUTE") ? 1 : 2;
                int max = fn.text().equals("ABSOLUTE") ? 1 : 2;
                if (args.size() < min || args.size() > max)
                    throw LinkException.at(fn.at(), fn.text() + " takes " + (min == max ? "" + min : min + " or " + max)
                            + " argument" + (max > 1 ? "s" : "") + ", not " + args.size());
                result = new Expr.Call(fn.text(), args, fn.at());
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
