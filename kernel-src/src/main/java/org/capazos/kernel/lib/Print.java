package org.capazos.kernel.lib;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.XReg;
import org.capazos.kernel.drivers.Pl011;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * Console printing on top of a character output routine: strings, hexadecimal and decimal numbers.
 * Every routine follows AAPCS64 with argument in x0 and clobbers only x0, x9-x12 (so callers may keep values in
 * x13-x15 across them). Both stages emit their own copy.
 */
public final class Print {
    public final Label puts = new Label("puts").global();
    public final Label putHex = new Label("put_hex").global();
    public final Label putDec = new Label("put_dec").global();
    private final MacroAssembler a;

    private Print(MacroAssembler a) {
        this.a = a;
    }

    /** Emits puts, put_hex and put_dec over {@code uart.putc}. */
    public static Print emit(MacroAssembler a, Pl011 uart) {
        Print p = new Print(a);
        a.text();

        // puts(x0 = NUL-terminated string): "\n" goes out as "\r\n" for terminals.
        a.function(p.puts, new XReg[] {x19}, 0, () -> {
            a.mov(x19, x0);
            a.loop(() -> {
                a.ldrb(w0, postIndex(x19, 1));
                a.cbz(w0, a.loopExit());
                a.cmp(w0, '\n');
                a.ifThen(Condition.EQ, () -> {
                    a.mov(w0, (long) '\r');
                    a.call(uart.putc);
                    a.mov(w0, (long) '\n');
                });
                a.call(uart.putc);
            });
            a.leave();
        });

        // put_hex(x0): "0x" and the hex digits, without leading zeros.
        a.function(p.putHex, new XReg[] {x19, x20}, 0, () -> {
            a.mov(x19, x0);
            a.mov(w0, (long) '0');
            a.call(uart.putc);
            a.mov(w0, (long) 'x');
            a.call(uart.putc);
            a.mov(x20, 60L);                       // bit position of the current digit
            a.loop(() -> {                          // skip leading zero digits, keep the last one
                a.cbz(x20, a.loopExit());
                a.lsr(x9, x19, x20);
                a.tst(x9, 0xfL);
                a.breakIf(Condition.NE);
                a.sub(x20, x20, 4);
            });
            a.loop(() -> {
                a.lsr(x9, x19, x20);
                a.and(x9, x9, 0xfL);
                a.cmp(x9, 10);
                a.add(x10, x9, '0');
                a.add(x11, x9, 'a' - 10);
                a.csel(x9, x10, x11, Condition.LO);
                a.mov(w0, x9.w());
                a.call(uart.putc);
                a.cbz(x20, a.loopExit());
                a.sub(x20, x20, 4);
            });
            a.leave();
        });

        // put_dec(x0): unsigned decimal. Digits are produced backwards into a 32-byte local buffer.
        a.function(p.putDec, new XReg[] {x19, x20}, 32, () -> {
            int buf = a.currentFunction().localsOffset();
            a.add(x19, sp, buf + 31);              // x19: write pointer, filled downwards
            a.mov(x10, 10L);
            a.doWhile(() -> {
                a.udiv(x11, x0, x10);
                a.msub(x12, x11, x10, x0);          // x12 = x0 - (x0 / 10) * 10
                a.add(x12, x12, '0');
                a.strb(x12.w(), mem(x19));
                a.sub(x19, x19, 1);
                a.mov(x0, x11);
            }, () -> {
                a.cmp(x0, 0);
                return Condition.NE;
            });
            a.add(x20, sp, buf + 31);
            a.whileLoop(() -> {
                a.cmp(x19, x20);
                return Condition.LO;
            }, () -> {
                a.add(x19, x19, 1);
                a.ldrb(w0, mem(x19));
                a.call(uart.putc);
            });
            a.leave();
        });
        return p;
    }

    /** Emits a call that prints the constant string {@code s}. */
    public void print(String s) {
        a.adrl(x0, a.cstring(s));
        a.call(puts);
    }

    /** Emits: print {@code s}, then {@code reg} in decimal (reg may be x0). */
    public void printDec(String s, XReg reg) {
        if (reg == x0) {
            a.mov(x15, x0);
            reg = x15;
        }
        print(s);
        a.mov(x0, reg);
        a.call(putDec);
    }

    /** Emits: print {@code s}, then {@code reg} in hex (reg may be x0). */
    public void printHex(String s, XReg reg) {
        if (reg == x0) {
            a.mov(x15, x0);
            reg = x15;
        }
        print(s);
        a.mov(x0, reg);
        a.call(putHex);
    }
}
