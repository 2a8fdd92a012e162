package org.capazos.kernel.drivers;

import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Registers.*;

/**
 * The PL011 UART (Arm PrimeCell UART, DDI 0183): polled transmit only. Its base address lives in the
 * variable {@code uart_base}, so the console can move from the early QEMU address to the one the device
 * tree names, and from a physical to a virtual address.
 */
public final class Pl011 {
    /** Data register: a write sends one character. */
    public static final int UARTDR = 0x00;
    /** Flag register. */
    public static final int UARTFR = 0x18;
    /** UARTFR.TXFF: the transmit FIFO is full. */
    public static final int FR_TXFF_BIT = 5;

    public final Label base = new Label("uart_base").global().object().size(8);
    public final Label putc = new Label("uart_putc").global();

    private Pl011() { }

    /**
     * Emits {@code uart_base} (a quad in .data holding {@code initialBase + addend}) and
     * {@code uart_putc(w0 = character)}, which clobbers x9 and x10 only.
     *
     * @param initialBase the symbol whose value is added to {@code addend} to give the initial base, or null
     */
    public static Pl011 emit(MacroAssembler a, Label initialBase, long addend) {
        Pl011 u = new Pl011();
        a.data();
        a.align(8);
        a.bind(u.base);
        if (initialBase == null) a.quad(addend);
        else a.quad(initialBase, addend);
        a.text();
        a.leafFunction(u.putc, () -> {
            Label wait = new Label();
            a.adrl(x9, u.base);
            a.ldr(x9, mem(x9));
            a.bind(wait);
            a.ldr(w10, mem(x9, UARTFR));
            a.tbnz(w10, FR_TXFF_BIT, wait);     // wait while the transmit FIFO is full
            a.strb(w0, mem(x9, UARTDR));
            a.ret();
        });
        return u;
    }
}
