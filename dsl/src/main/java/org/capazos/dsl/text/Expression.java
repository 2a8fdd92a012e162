package org.capazos.dsl.text;

/**
 * GNU-as expressions: parsed into a small tree, evaluated to a constant or to {@code symbol + constant}
 * (optionally {@code - symbol}). Operator precedence is that of llvm-mc in GNU mode, highest first:
 * unary {@code - + ~ !}; {@code * / % << >>}; {@code | & ^ !} (binary {@code !} is or-not); {@code + -};
 * {@code == != <> < <= > >=} (true is -1); {@code &&}; {@code ||}. {@code >>} is a logical shift.
 * Numbers are decimal, {@code 0x} hex, {@code 0b} binary, {@code 0}-prefixed octal, or {@code 'c'} characters;
 * {@code 1f}/{@code 1b} refer to numeric local labels and {@code .} to the current position.
 */
final class Expression {
    private Expression() { }

    /** Turns names into symbols while parsing. */
    interface Resolver {
        /** The symbol {@code name} (created undefined on first use); {@code index} is where it was written. */
        AsmSymbol symbol(String name, int index);

        /** The numeric local label {@code digits}: the next definition if {@code forward}, else the last one. */
        AsmSymbol local(String digits, boolean forward, int index);

        /** An anonymous label at the current position. */
        AsmSymbol dot();
    }

    sealed interface Node permits Num, Ref, Unary, Binary { }

    record Num(long value) implements Node { }

    record Ref(AsmSymbol symbol) implements Node { }

    record Unary(char op, Node operand) implements Node { }

    record Binary(int op, Node left, Node right) implements Node { }

    static final int LOR = 1, LAND = 2, EQ = 3, NE = 4, LT = 5, LE = 6, GT = 7, GE = 8, ADD = 9, SUB = 10, OR = 11,
            AND = 12, XOR = 13, ORNOT = 14, MUL = 15, DIV = 16, MOD = 17, SHL = 18, SHR = 19;

    private static int precedence(int op) {
        return switch (op) {
            case LOR -> 1;
            case LAND -> 2;
            case EQ, NE, LT, LE, GT, GE -> 3;
            case ADD, SUB -> 4;
            case OR, AND, XOR, ORNOT -> 5;
            default -> 6;
        };
    }

    // ---- parsing ------------------------------------------------------------------------------------------------

    /** Parses all of {@code s[from, to)} as one expression. */
    static Node parse(String s, int from, int to, Resolver r) {
        Parser p = new Parser(s, from, to, r);
        p.skip();
        if (p.p >= to) throw new AsmError(from, "expected an expression");
        Node n = p.expr(0);
        p.skip();
        if (p.p < to) throw new AsmError(p.p, "unexpected '" + s.charAt(p.p) + "' in expression");
        return n;
    }

    /** True if {@code c} may continue a symbol name. */
    static boolean isIdent(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '$';
    }

    static boolean isIdentStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '$';
    }

    private static final class Parser {
        final String s;
        int p;
        final int end;
        final Resolver r;

        Parser(String s, int from, int to, Resolver r) {
            this.s = s;
            this.p = from;
            this.end = to;
            this.r = r;
        }

        void skip() {
            while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        }

        Node expr(int minPrec) {
            Node left = unary();
            while (true) {
                skip();
                int save = p;
                int op = binaryOp();
                if (op == 0) break;
                if (precedence(op) < minPrec) {
                    p = save;
                    break;
                }
                Node right = expr(precedence(op) + 1);
                left = fold(new Binary(op, left, right));
            }
            return left;
        }

        /** Reads a binary operator at p (advancing), or returns 0 and leaves p. */
        int binaryOp() {
            if (p >= end) return 0;
            char c = s.charAt(p);
            char d = p + 1 < end ? s.charAt(p + 1) : 0;
            int op;
            int len = 1;
            switch (c) {
                case '*' -> op = MUL;
                case '/' -> op = DIV;
                case '%' -> op = MOD;
                case '+' -> op = ADD;
                case '-' -> op = SUB;
                case '^' -> op = XOR;
                case '<' -> {
                    if (d == '<') { op = SHL; len = 2; }
                    else if (d == '=') { op = LE; len = 2; }
                    else if (d == '>') { op = NE; len = 2; }
                    else op = LT;
                }
                case '>' -> {
                    if (d == '>') { op = SHR; len = 2; }
                    else if (d == '=') { op = GE; len = 2; }
                    else op = GT;
                }
                case '|' -> {
                    if (d == '|') { op = LOR; len = 2; }
                    else op = OR;
                }
                case '&' -> {
                    if (d == '&') { op = LAND; len = 2; }
                    else op = AND;
                }
                case '!' -> {
                    if (d == '=') { op = NE; len = 2; }
                    else op = ORNOT;
                }
                case '=' -> {
                    if (d == '=') { op = EQ; len = 2; }
                    else return 0;
                }
                default -> {
                    return 0;
                }
            }
            p += len;
            return op;
        }

        Node unary() {
            skip();
            if (p >= end) throw new AsmError(p, "expected an expression");
            char c = s.charAt(p);
            switch (c) {
                case '-', '~', '!' -> {
                    p++;
                    return fold(new Unary(c, unary()));
                }
                case '+' -> {
                    p++;
                    return unary();
                }
                case '(' -> {
                    int open = p;
                    p++;
                    Node n = expr(0);
                    skip();
                    if (p >= end || s.charAt(p) != ')') throw new AsmError(open, "unbalanced '(' in expression");
                    p++;
                    return n;
                }
                case '\'' -> {
                    return new Num(character());
                }
                default -> { }
            }
            if (c >= '0' && c <= '9') return number();
            if (isIdentStart(c)) {
                int start = p;
                while (p < end && isIdent(s.charAt(p))) p++;
                if (p - start == 1 && c == '.') return new Ref(r.dot());
                return new Ref(r.symbol(s.substring(start, p), start));
            }
            throw new AsmError(p, "unexpected '" + c + "' in expression");
        }

        long character() {
            int start = p;
            p++; // opening quote
            if (p >= end) throw new AsmError(start, "unterminated character constant");
            long v;
            char c = s.charAt(p++);
            if (c == '\\') {
                if (p >= end) throw new AsmError(start, "unterminated character constant");
                char e = s.charAt(p++);
                v = switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case '0' -> 0;
                    default -> e;
                };
            } else {
                v = c & 0xff;
            }
            if (p < end && s.charAt(p) == '\'') p++;
            return v;
        }

        Node number() {
            int start = p;
            // numeric local label reference: digits followed by f or b, and no more name characters
            int q = p;
            while (q < end && s.charAt(q) >= '0' && s.charAt(q) <= '9') q++;
            if (q < end && (s.charAt(q) == 'f' || s.charAt(q) == 'b') && (q + 1 >= end || !isIdent(s.charAt(q + 1)))) {
                boolean binary = s.charAt(q) == 'b' && q == start + 1 && s.charAt(start) == '0' && q + 1 < end
                        && (s.charAt(q + 1) == '0' || s.charAt(q + 1) == '1');
                if (!binary) {
                    p = q + 1;
                    return new Ref(r.local(s.substring(start, q), s.charAt(q) == 'f', start));
                }
            }
            long v = 0;
            char c = s.charAt(p);
            char d = p + 1 < end ? s.charAt(p + 1) : 0;
            if (c == '0' && (d == 'x' || d == 'X')) {
                p += 2;
                int digits = p;
                while (p < end && Character.digit(s.charAt(p), 16) >= 0) {
                    if (p - digits >= 16) throw new AsmError(start, "literal value out of range");
                    v = v << 4 | Character.digit(s.charAt(p), 16);
                    p++;
                }
                if (p == digits) throw new AsmError(start, "invalid hexadecimal number");
            } else if (c == '0' && (d == 'b' || d == 'B')) {
                p += 2;
                int digits = p;
                while (p < end && (s.charAt(p) == '0' || s.charAt(p) == '1')) {
                    if (p - digits >= 64) throw new AsmError(start, "literal value out of range");
                    v = v << 1 | (s.charAt(p) - '0');
                    p++;
                }
            } else if (c == '0' && d >= '0' && d <= '9') {
                p++;
                while (p < end && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                    int dig = s.charAt(p) - '0';
                    if (dig > 7) throw new AsmError(start, "invalid octal number");
                    if ((v >>> 61) != 0) throw new AsmError(start, "literal value out of range");
                    v = v << 3 | dig;
                    p++;
                }
            } else {
                while (p < end && s.charAt(p) >= '0' && s.charAt(p) <= '9') p++;
                if (p - start <= 18) {
                    for (int i = start; i < p; i++) v = v * 10 + (s.charAt(i) - '0');
                } else {
                    try {
                        v = Long.parseUnsignedLong(s, start, p, 10);
                    } catch (NumberFormatException e) {
                        throw new AsmError(start, "literal value out of range");
                    }
                }
            }
            if (p < end && isIdent(s.charAt(p)))
                throw new AsmError(start, "invalid number '" + s.substring(start, identEnd(p)) + "'");
            return new Num(v);
        }

        int identEnd(int q) {
            while (q < end && isIdent(s.charAt(q))) q++;
            return q;
        }
    }

    /** Folds operations on two numbers right away. */
    private static Node fold(Node n) {
        if (n instanceof Unary u && u.operand() instanceof Num x) return new Num(unary(u.op(), x.value(), 0));
        if (n instanceof Binary b && b.left() instanceof Num l && b.right() instanceof Num r
                && !((b.op() == DIV || b.op() == MOD) && r.value() == 0))
            return new Num(binary(b.op(), l.value(), r.value(), 0));
        return n;
    }

    // ---- evaluation ---------------------------------------------------------------------------------------------

    /** {@code c + add - sub}; add and sub may be null. */
    record Value(long c, AsmSymbol add, AsmSymbol sub) {
        static Value of(long c) {
            return new Value(c, null, null);
        }

        boolean isConstant() {
            return add == null && sub == null;
        }

        /** A symbol of this value that is not defined (yet), or null. */
        AsmSymbol undefined() {
            if (add != null && add.kind == AsmSymbol.UNDEFINED) return add;
            if (sub != null && sub.kind == AsmSymbol.UNDEFINED) return sub;
            return null;
        }
    }

    /** The value cannot be computed yet: it needs a symbol that is not defined yet. */
    static final class NotYet extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient AsmSymbol symbol;

        NotYet(AsmSymbol symbol) {
            super(null, null, false, false);
            this.symbol = symbol;
        }
    }

    /**
     * Evaluates {@code n}. With {@code fin} false (during assembly), an operation that needs numbers but meets a
     * symbol not defined yet throws {@link NotYet}; at the end ({@code fin} true) that is an error.
     * {@code at} is the index errors point at.
     */
    static Value eval(Node n, boolean fin, int at) {
        if (n instanceof Num x) return Value.of(x.value());
        if (n instanceof Ref x) return symbol(x.symbol(), fin, at);
        if (n instanceof Unary u) {
            Value v = eval(u.operand(), fin, at);
            if (v.isConstant()) return Value.of(unary(u.op(), v.c(), at));
            if (u.op() == '-') return normalize(-v.c(), v.sub(), v.add());
            throw notAbsolute(v, fin, at, "operator '" + u.op() + "'");
        }
        Binary b = (Binary) n;
        Value l = eval(b.left(), fin, at), r = eval(b.right(), fin, at);
        if (b.op() == ADD) return combine(l.c() + r.c(), l.add(), r.add(), l.sub(), r.sub(), fin, at);
        if (b.op() == SUB) return combine(l.c() - r.c(), l.add(), r.sub(), l.sub(), r.add(), fin, at);
        if (!l.isConstant()) throw notAbsolute(l, fin, at, "this operator");
        if (!r.isConstant()) throw notAbsolute(r, fin, at, "this operator");
        return Value.of(binary(b.op(), l.c(), r.c(), at));
    }

    private static Value symbol(AsmSymbol s, boolean fin, int at) {
        if (s.kind == AsmSymbol.ASSIGNED) {
            if (s.evaluating) throw new AsmError(at, "cyclic definition of symbol '" + s.name + "'");
            s.evaluating = true;
            try {
                return eval(s.value, fin, at);
            } finally {
                s.evaluating = false;
            }
        }
        return new Value(0, s, null);
    }

    /** c + p1 + p2 - n1 - n2, with pairs that cancel folded. */
    private static Value combine(long c, AsmSymbol p1, AsmSymbol p2, AsmSymbol n1, AsmSymbol n2, boolean fin, int at) {
        AsmSymbol[] pos = {p1, p2}, neg = {n1, n2};
        for (int i = 0; i < 2; i++) {
            if (pos[i] == null) continue;
            for (int j = 0; j < 2; j++) {
                if (neg[j] == null) continue;
                Long d = difference(pos[i], neg[j]);
                if (d != null) {
                    c += d;
                    pos[i] = null;
                    neg[j] = null;
                    break;
                }
            }
        }
        AsmSymbol add = pos[0] != null ? pos[0] : pos[1], sub = neg[0] != null ? neg[0] : neg[1];
        if ((pos[0] != null && pos[1] != null) || (neg[0] != null && neg[1] != null)) {
            AsmSymbol u = firstUndefined(pos[0], pos[1], neg[0], neg[1]);
            if (u != null && !fin) throw new NotYet(u);
            throw new AsmError(at, "expression cannot be represented: it adds or subtracts more than one symbol"
                    + (u != null ? " ('" + u.name + "' is undefined)" : ""));
        }
        return new Value(c, add, sub);
    }

    private static Value normalize(long c, AsmSymbol add, AsmSymbol sub) {
        if (add != null && sub != null) {
            Long d = difference(add, sub);
            if (d != null) return Value.of(c + d);
        }
        return new Value(c, add, sub);
    }

    /** a - b if it is known (the same symbol, or labels in the same section), else null. */
    private static Long difference(AsmSymbol a, AsmSymbol b) {
        if (a == b) return 0L;
        if (a.kind == AsmSymbol.LABEL && b.kind == AsmSymbol.LABEL && a.section == b.section)
            return (long) a.offset - b.offset;
        return null;
    }

    private static AsmSymbol firstUndefined(AsmSymbol... syms) {
        for (AsmSymbol s : syms) if (s != null && s.kind == AsmSymbol.UNDEFINED) return s;
        return null;
    }

    private static RuntimeException notAbsolute(Value v, boolean fin, int at, String what) {
        AsmSymbol u = v.undefined();
        if (u != null && !fin) return new NotYet(u);
        String sym = v.add() != null ? v.add().name : v.sub().name;
        return new AsmError(at, what + " needs an absolute value, but the operand refers to symbol '" + sym + "'"
                + (u != null ? ", which is undefined" : ""));
    }

    static long unary(char op, long v, int at) {
        return switch (op) {
            case '-' -> -v;
            case '~' -> ~v;
            case '!' -> v == 0 ? 1 : 0;
            default -> throw new AsmError(at, "unknown operator " + op);
        };
    }

    static long binary(int op, long l, long r, int at) {
        return switch (op) {
            case LOR -> (l != 0 || r != 0) ? 1 : 0;
            case LAND -> (l != 0 && r != 0) ? 1 : 0;
            case EQ -> l == r ? -1 : 0;
            case NE -> l != r ? -1 : 0;
            case LT -> l < r ? -1 : 0;
            case LE -> l <= r ? -1 : 0;
            case GT -> l > r ? -1 : 0;
            case GE -> l >= r ? -1 : 0;
            case ADD -> l + r;
            case SUB -> l - r;
            case OR -> l | r;
            case AND -> l & r;
            case XOR -> l ^ r;
            case ORNOT -> l | ~r;
            case MUL -> l * r;
            case DIV -> {
                if (r == 0) throw new AsmError(at, "division by zero");
                yield l / r;
            }
            case MOD -> {
                if (r == 0) throw new AsmError(at, "division by zero");
                yield l % r;
            }
            case SHL -> r >= 64 || r < 0 ? 0 : l << r;
            case SHR -> r >= 64 || r < 0 ? 0 : l >>> r;
            default -> throw new AsmError(at, "unknown operator");
        };
    }
}
