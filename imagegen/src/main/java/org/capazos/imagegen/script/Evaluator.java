package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;

import java.util.Objects;

/**
 * Evaluates link-script expressions with GNU ld's rules (ld/ldexp.c), including the section each value is
 * relative to (see {@link Value}):
 * <ul>
 *   <li>64-bit arithmetic; {@code /} and {@code %} are signed, comparisons, {@code >>} (logical), {@code MAX} and
 *       {@code MIN} unsigned; shift counts are taken modulo 64; comparisons, {@code &&} and {@code ||} give 0 or
 *       1 and evaluate both operands (use {@code ?:} to avoid evaluating an undefined symbol);</li>
 *   <li>literals are absolute outside output sections and plain numbers inside them; absolute symbols read
 *       inside an output section are plain numbers too; {@code .}, {@code ADDR}, {@code ORIGIN},
 *       {@code SEGMENT_START} and {@code ALIGN(a)} are relative to the current output section;</li>
 *   <li>an operator keeps the section of its operands when one of them is a plain number; two values relative
 *       to the same section give an absolute value outside sections and a number inside them; values of
 *       different sections are converted to addresses first;</li>
 *   <li>{@code ALIGN} rounds up to any multiple (not only powers of two), as GNU ld does.</li>
 * </ul>
 * Division by zero is an error naming the place.
 */
public final class Evaluator {
    /** {@code CONSTANT(MAXPAGESIZE)} of GNU ld for AArch64 ELF: 64 KiB. */
    public static final long MAXPAGESIZE = 0x10000;
    /** {@code CONSTANT(COMMONPAGESIZE)} of GNU ld for AArch64 ELF: 4 KiB. */
    public static final long COMMONPAGESIZE = 0x1000;

    private Evaluator() { }

    /** The address (or absolute value) of {@code e} in {@code env}: its value plus its section's address. */
    public static long eval(Expr e, Environment env) {
        return address(evaluate(e, env), env, e.at());
    }

    /** The address of {@code v}: its value, plus its section's address if it is relative to a section. */
    public static long address(Value v, Environment env, SourceLocation at) {
        if (!v.isRelative()) return v.value();
        return v.value() + env.section(Expr.SectionFn.ADDR, v.section(), at);
    }

    /** The value of {@code e} with its section, by GNU ld's rules. */
    public static Value evaluate(Expr e, Environment env) {
        String current = env.currentSection();
        if (e instanceof Expr.Num n) return current == null ? Value.absolute(n.value()) : Value.number(n.value());
        if (e instanceof Expr.Dot d) return relativeToCurrent(env.dot(d.at()), env, d.at());
        if (e instanceof Expr.Sym s) {
            Value v = env.symbolValue(s.name(), s.at());
            return v.isAbsolute() && current != null ? Value.number(v.value()) : v;
        }
        if (e instanceof Expr.Unary u) {
            Value v = evaluate(u.operand(), env);
            long r = switch (u.op()) {
                case "-" -> -v.value();
                case "~" -> ~v.value();
                case "!" -> v.value() == 0 ? 1 : 0;
                default -> v.value();
            };
            return new Value(r, v.section());
        }
        if (e instanceof Expr.Binary b) return binary(b.op(), evaluate(b.left(), env), evaluate(b.right(), env),
                b.at(), env);
        if (e instanceof Expr.Conditional c)
            return evaluate(c.condition(), env).value() != 0 ? evaluate(c.ifTrue(), env) : evaluate(c.ifFalse(), env);
        if (e instanceof Expr.Call c) return call(c, env);
        if (e instanceof Expr.SectionQuery q) {
            long v = env.section(q.function(), q.section(), q.at());
            return switch (q.function()) {
                case ADDR -> new Value(0, q.section());
                case LOADADDR -> Value.absolute(v);
                default -> Value.number(v);
            };
        }
        if (e instanceof Expr.RegionQuery q) {
            long v = env.region(q.origin(), q.region(), q.at());
            return q.origin() ? relativeToCurrent(v, env, q.at()) : Value.number(v);
        }
        if (e instanceof Expr.Defined d) return Value.number(env.isDefined(d.symbol()) ? 1 : 0);
        if (e instanceof Expr.SizeofHeaders h) return Value.number(env.sizeofHeaders(h.at()));
        if (e instanceof Expr.Constant k) return Value.number(switch (k.name()) {
            case "MAXPAGESIZE" -> MAXPAGESIZE;
            case "COMMONPAGESIZE" -> COMMONPAGESIZE;
            default -> throw LinkException.at(k.at(), "unknown constant '" + k.name() + "' (CONSTANT takes "
                    + "MAXPAGESIZE or COMMONPAGESIZE)");
        });
        Expr.SegmentStart s = (Expr.SegmentStart) e;
        return relativeToCurrent(env.segmentStart(s.segment(), evaluate(s.fallback(), env).value()), env, s.at());
    }

    /** GNU ld's new_rel_from_abs: an address, relative to the current output section if there is one. */
    private static Value relativeToCurrent(long address, Environment env, SourceLocation at) {
        String current = env.currentSection();
        if (current == null) return Value.absolute(address);
        return new Value(address - env.section(Expr.SectionFn.ADDR, current, at), current);
    }

    private static Value binary(String op, Value l, Value r, SourceLocation at, Environment env) {
        long lv = l.value(), rv = r.value();
        String ls = l.section(), section = r.section();
        if (!Objects.equals(ls, section)) {
            if (section != null && ls != null) { // different sections: both become addresses
                lv = address(l, env, at);
                rv = address(r, env, at);
                ls = Value.ABS;
                section = Value.ABS;
            } else if (section == null) { // the right operand is a number: keep the left's section
                section = ls;
                ls = null;
            }
        }
        long v;
        switch (op) {
            case "==", "!=", "<", "<=", ">", ">=", "&&", "||" -> {
                return Value.number(compare(op, lv, rv));
            }
            case "MAX" -> {
                return new Value(Long.compareUnsigned(lv, rv) >= 0 ? lv : rv, section);
            }
            case "MIN" -> {
                return new Value(Long.compareUnsigned(lv, rv) <= 0 ? lv : rv, section);
            }
            case "ALIGN" -> {
                return new Value(alignN(lv, rv), section);
            }
            case "/", "%" -> {
                if (rv == 0) {
                    if (env.isTentative()) return Value.number(0);
                    throw LinkException.at(at, op.equals("/") ? "division by zero" : "modulo by zero");
                }
                v = op.equals("/") ? lv / rv : lv % rv;
            }
            case "*" -> v = lv * rv;
            case "+" -> v = lv + rv;
            case "-" -> v = lv - rv;
            case "<<" -> v = lv << rv;
            case ">>" -> v = lv >>> rv;
            case "&" -> v = lv & rv;
            case "^" -> v = lv ^ rv;
            case "|" -> v = lv | rv;
            default -> throw LinkException.at(at, "unknown operator '" + op + "'");
        }
        if (Objects.equals(section, ls)) // both numbers, or both relative to one section
            section = env.currentSection() == null ? Value.ABS : null;
        return new Value(v, section);
    }

    private static long compare(String op, long l, long r) {
        boolean b = switch (op) {
            case "==" -> l == r;
            case "!=" -> l != r;
            case "<" -> Long.compareUnsigned(l, r) < 0;
            case "<=" -> Long.compareUnsigned(l, r) <= 0;
            case ">" -> Long.compareUnsigned(l, r) > 0;
            case ">=" -> Long.compareUnsigned(l, r) >= 0;
            case "&&" -> l != 0 && r != 0;
            default -> l != 0 || r != 0;
        };
        return b ? 1 : 0;
    }

    private static Value call(Expr.Call c, Environment env) {
        Value a = evaluate(c.args().get(0), env);
        switch (c.function()) {
            case "ALIGN" -> {
                if (c.args().size() == 1)
                    return relativeToCurrent(alignN(env.dot(c.at()), a.value()), env, c.at());
                return binary("ALIGN", a, evaluate(c.args().get(1), env), c.at(), env);
            }
            case "ABSOLUTE" -> {
                return Value.absolute(address(a, env, c.at()));
            }
            case "MAX", "MIN" -> {
                return binary(c.function(), a, evaluate(c.args().get(1), env), c.at(), env);
            }
            case "LOG2CEIL" -> {
                return Value.number(log2ceil(a.value()));
            }
            case "NEXT" -> {
                return Value.absolute(alignN(env.dot(c.at()), a.value()));
            }
            default -> throw LinkException.at(c.at(), "unknown function '" + c.function() + "'");
        }
    }

    /** GNU ld's align_n: {@code value} rounded up to a multiple of {@code align} (0 and 1 leave it unchanged). */
    public static long alignN(long value, long align) {
        if (Long.compareUnsigned(align, 1) <= 0) return value;
        return Long.divideUnsigned(value + align - 1, align) * align;
    }

    /** GNU ld's LOG2CEIL: the smallest n with 2^n &ge; value (0 for 0 and 1). */
    public static long log2ceil(long value) {
        long result = -1;
        boolean roundUp = false;
        do {
            result++;
            if (Long.compareUnsigned(value, 1) > 0 && (value & 1) != 0) roundUp = true;
            value >>>= 1;
        } while (value != 0);
        return roundUp ? result + 1 : result;
    }

    /** The power of two GNU ld makes of a section alignment expression: the smallest 2^n &ge; value. */
    public static long powerOfTwoAtLeast(long value) {
        if (Long.compareUnsigned(value, 1) <= 0) return 1;
        long p = 1;
        while (Long.compareUnsigned(p, value) < 0) {
            p <<= 1;
            if (p == 0) return Long.MIN_VALUE;
        }
        return p;
    }

    /** {@code value} rounded up to a multiple of {@code align}, a power of two (0 and 1 leave it unchanged). */
    public static long alignUp(long value, long align, SourceLocation at) {
        if (align == 0 || align == 1) return value;
        if (Long.bitCount(align) != 1)
            throw LinkException.at(at, String.format("alignment 0x%x is not a power of two", align));
        return (value + align - 1) & -align;
    }
}
