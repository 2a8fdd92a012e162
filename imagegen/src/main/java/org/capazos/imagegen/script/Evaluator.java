package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;

/**
 * Evaluates link-script expressions as GNU ld and ld.lld do: 64-bit unsigned arithmetic (division, modulo,
 * comparisons and {@code >>} are unsigned), comparisons and logical operators give 0 or 1. Division by zero
 * and alignments that are not powers of two are errors naming the place.
 */
public final class Evaluator {
    private Evaluator() { }

    /** The value of {@code e} in {@code env}. */
    public static long eval(Expr e, Environment env) {
        if (e instanceof Expr.Num n) return n.value();
        if (e instanceof Expr.Dot d) return env.dot(d.at());
        if (e instanceof Expr.Sym s) return env.symbol(s.name(), s.at());
        if (e instanceof Expr.Unary u) return unary(u, eval(u.operand(), env));
        if (e instanceof Expr.Binary b) return binary(b, env);
        if (e instanceof Expr.Conditional c)
            return eval(c.condition(), env) != 0 ? eval(c.ifTrue(), env) : eval(c.ifFalse(), env);
        if (e instanceof Expr.Call c) return call(c, env);
        if (e instanceof Expr.SectionQuery q) return env.section(q.function(), q.section(), q.at());
        if (e instanceof Expr.RegionQuery q) return env.region(q.origin(), q.region(), q.at());
        Expr.Defined d = (Expr.Defined) e;
        return env.isDefined(d.symbol()) ? 1 : 0;
    }

    private static long unary(Expr.Unary u, long v) {
        return switch (u.op()) {
            case "-" -> -v;
            case "~" -> ~v;
            case "!" -> v == 0 ? 1 : 0;
            default -> v;
        };
    }

    private static long binary(Expr.Binary b, Environment env) {
        String op = b.op();
        long l = eval(b.left(), env);
        if (op.equals("&&") && l == 0) return 0;
        if (op.equals("||") && l != 0) return 1;
        long r = eval(b.right(), env);
        if (r == 0 && (op.equals("/") || op.equals("%")) && env.isTentative()) return 0;
        return apply(op, l, r, b.at());
    }

    /** Applies binary operator {@code op} (also the operator of a compound assignment such as {@code +=}). */
    public static long apply(String op, long l, long r, SourceLocation at) {
        return switch (op) {
            case "*" -> l * r;
            case "/" -> {
                if (r == 0) throw LinkException.at(at, "division by zero");
                yield Long.divideUnsigned(l, r);
            }
            case "%" -> {
                if (r == 0) throw LinkException.at(at, "modulo by zero");
                yield Long.remainderUnsigned(l, r);
            }
            case "+" -> l + r;
            case "-" -> l - r;
            case "<<" -> r >= 64 || r < 0 ? 0 : l << r;
            case ">>" -> r >= 64 || r < 0 ? 0 : l >>> r;
            case "<" -> Long.compareUnsigned(l, r) < 0 ? 1 : 0;
            case "<=" -> Long.compareUnsigned(l, r) <= 0 ? 1 : 0;
            case ">" -> Long.compareUnsigned(l, r) > 0 ? 1 : 0;
            case ">=" -> Long.compareUnsigned(l, r) >= 0 ? 1 : 0;
            case "==" -> l == r ? 1 : 0;
            case "!=" -> l != r ? 1 : 0;
            case "&" -> l & r;
            case "^" -> l ^ r;
            case "|" -> l | r;
            case "&&" -> l != 0 && r != 0 ? 1 : 0;
            case "||" -> l != 0 || r != 0 ? 1 : 0;
            default -> throw LinkException.at(at, "unknown operator '" + op + "'");
        };
    }

    private static long call(Expr.Call c, Environment env) {
        long a = eval(c.args().get(0), env);
        return switch (c.function()) {
            case "ALIGN" -> c.args().size() == 1
                    ? alignUp(env.dot(c.at()), a, c.at(), env)
                    : alignUp(a, eval(c.args().get(1), env), c.at(), env);
            case "ABSOLUTE" -> a;
            case "MAX" -> {
                long b = eval(c.args().get(1), env);
                yield Long.compareUnsigned(a, b) >= 0 ? a : b;
            }
            case "MIN" -> {
                long b = eval(c.args().get(1), env);
                yield Long.compareUnsigned(a, b) <= 0 ? a : b;
            }
            default -> throw LinkException.at(c.at(), "unknown function '" + c.function() + "'");
        };
    }

    /** {@link #alignUp(long, long, SourceLocation)}, leaving the value as it is in a tentative pass. */
    public static long alignUp(long value, long align, SourceLocation at, Environment env) {
        if (env.isTentative() && Long.bitCount(align) > 1) return value;
        return alignUp(value, align, at);
    }

    /** {@code value} rounded up to a multiple of {@code align}, a power of two (0 and 1 leave it unchanged). */
    public static long alignUp(long value, long align, SourceLocation at) {
        if (align == 0 || align == 1) return value;
        if (Long.bitCount(align) != 1)
            throw LinkException.at(at, String.format("alignment 0x%x is not a power of two", align));
        return (value + align - 1) & -align;
    }
}
