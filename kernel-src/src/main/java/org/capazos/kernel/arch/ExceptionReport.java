package org.capazos.kernel.arch;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Shift;
import org.capazos.dsl.layout.Layouts;
import org.capazos.kernel.lib.Print;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.PStateField.DAIFSET;
import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.SystemRegister.*;

/**
 * Exception vectors that report and halt: every exception CapazOS does not expect yet (all of them, for
 * now) prints one {@code EXCEPTION:} line with the class decoded from ESR_EL1 and the ESR, ELR, FAR and SPSR
 * values, then masks interrupts and waits for ever. Both stages install a copy.
 */
public final class ExceptionReport {
    /** ESR_EL1.EC (bits [31:26]) values and their names (Arm ARM D17.2.37). */
    private static final Object[][] CLASSES = {
            {0x00, "Unknown reason"}, {0x01, "WFI/WFE trap"}, {0x07, "SIMD/FP access"},
            {0x0e, "Illegal execution state"}, {0x15, "SVC from AArch64"}, {0x16, "HVC from AArch64"},
            {0x17, "SMC from AArch64"}, {0x18, "MSR/MRS/system instruction trap"},
            {0x20, "Instruction abort from a lower EL"}, {0x21, "Instruction abort (same EL)"},
            {0x22, "PC alignment fault"}, {0x24, "Data abort from a lower EL"}, {0x25, "Data abort (same EL)"},
            {0x26, "SP alignment fault"}, {0x2f, "SError interrupt"}, {0x3c, "BRK instruction"},
    };
    /** Vector table entries: {current EL with SP_EL0, current EL with SP_ELx, lower EL 64, lower EL 32} x 4. */
    private static final String[] KINDS = {"synchronous", "IRQ", "FIQ", "SError"};
    private static final String[] ORIGINS = {"EL1t", "EL1h", "EL0 (AArch64)", "EL0 (AArch32)"};

    /** The table of {address, name} quads of every function, filled in by {@link #emitSymbolTable}. */
    private final Label symbols;

    private ExceptionReport(Label symbols) {
        this.symbols = symbols;
    }

    /**
     * Emits the symbol table the report uses to name the function ELR points into: one {address, name} pair of
     * quads per function the assembler declared (the linker fills in the addresses), ended by a zero address.
     * Call it after all the stage's code is written.
     */
    public void emitSymbolTable(MacroAssembler a) {
        java.util.List<Label> fns = a.functions();
        Label[] names = new Label[fns.size()];
        for (int i = 0; i < names.length; i++) names[i] = a.cstring(fns.get(i).name());
        a.rodata();
        a.align(8);
        a.bind(symbols);
        for (int i = 0; i < names.length; i++) {
            a.quad(fns.get(i));
            a.quad(names[i]);
        }
        a.quad(0L);
        a.quad(0L);
        a.text();
    }

    /**
     * Emits the vector table (2 KiB aligned) and the report routine; returns the table's label.
     *
     * @param stage "boot" or "kernel", printed in the report
     */
    public static ExceptionReport emit(MacroAssembler a, Print print, String stage) {
        ExceptionReport er = new ExceptionReport(new Label(stage + "_symbols").object());
        Label report = new Label(stage + "_exception_report");
        Label halt = new Label(stage + "_halt").global();
        Label table = new Label(stage + "_vectors").global();
        a.text();
        a.align(2048);
        a.bind(table);
        for (int i = 0; i < 16; i++) {
            int entry = a.position();
            a.mov(x0, (long) i);
            a.b(report);
            while (a.position() - entry < 0x80) a.nop();
        }

        // Exception class names, as a table of {ec, string address} quads ended by ec = -1.
        Label names = new Label();
        Label[] strings = new Label[CLASSES.length];
        for (int i = 0; i < CLASSES.length; i++) strings[i] = a.cstring((String) CLASSES[i][1]);
        Label unknown = a.cstring("exception class not decoded");
        Label[] vecNames = new Label[16];
        for (int i = 0; i < 16; i++) vecNames[i] = a.cstring(" [" + KINDS[i % 4] + " from " + ORIGINS[i / 4] + "]");
        a.rodata();
        a.align(8);
        a.bind(names);
        for (int i = 0; i < CLASSES.length; i++) {
            a.quad(((Integer) CLASSES[i][0]).longValue());
            a.quad(strings[i]);
        }
        a.quad(-1L);
        a.quad(unknown);
        Label vecTable = new Label();
        a.bind(vecTable);
        for (Label l : vecNames) a.quad(l);

        a.text();
        // x0 = vector index. Nothing is saved: this path never returns.
        a.leafFunction(report, () -> {
            a.msr(DAIFSET, 0xf);
            a.mov(x21, x0);
            print.print("EXCEPTION: ");
            a.mrs(x22, ESR_EL1);
            a.ubfx(x9, x22, Layouts.ESR_EL1.field("EC").lsb(), Layouts.ESR_EL1.field("EC").width());
            a.adrl(x10, names);
            a.loop(() -> {
                a.ldp(x11, x12, postIndex(x10, 16));
                a.cmp(x11, x9);
                a.breakIf(Condition.EQ);
                a.cmn(x11, 1);
                a.breakIf(Condition.EQ);            // end of table: x12 is the "not decoded" string
            });
            a.mov(x0, x12);
            a.call(print.puts);
            a.adrl(x10, vecTable);
            a.ldr(x0, mem(x10, x21, Shift.LSL, 3));
            a.call(print.puts);
            print.printHex(" ESR=", x22);
            a.mrs(x23, ELR_EL1);
            print.printHex(" ELR=", x23);
            nearestSymbol(a, print, er.symbols, x23);
            a.mrs(x23, FAR_EL1);
            print.printHex(" FAR=", x23);
            a.mrs(x23, SPSR_EL1);
            print.printHex(" SPSR=", x23);
            print.print("\n");
            a.bind(halt);
            a.msr(DAIFSET, 0xf);
            a.loop(a::wfi);
        });
        er.vectors = table;
        return er;
    }

    /** The vector table's label, for VBAR_EL1. */
    public Label vectors() {
        return vectors;
    }

    private Label vectors;

    /** Prints {@code " <name+0xoff>"} for the function with the highest address at or below {@code pc}. */
    private static void nearestSymbol(MacroAssembler a, Print print, Label symbols, org.capazos.dsl.XReg pc) {
        a.adrl(x10, symbols);
        a.mov(x24, 0L);                             // the best address so far
        a.mov(x25, 0L);                             // its name
        a.loop(() -> {
            a.ldp(x11, x12, postIndex(x10, 16));
            a.cbz(x11, a.loopExit());
            a.cmp(x11, pc);
            a.continueIf(Condition.HI);             // starts after pc
            a.cmp(x11, x24);
            a.csel(x24, x11, x24, Condition.HS);
            a.csel(x25, x12, x25, Condition.HS);
        });
        a.cmp(x25, 0);
        a.ifThen(Condition.NE, () -> {
            print.print(" <");
            a.mov(x0, x25);
            a.call(print.puts);
            a.sub(x24, pc, x24);
            print.printHex("+", x24);
            print.print(">");
        });
    }
}
