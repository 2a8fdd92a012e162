package org.capazos.kernel.kernel;

import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Struct;
import org.capazos.dsl.XReg;
import org.capazos.dsl.module.Module;
import org.capazos.kernel.BuildSwitches;
import org.capazos.kernel.CapazOS;
import org.capazos.kernel.Platform;
import org.capazos.kernel.arch.ExceptionReport;
import org.capazos.kernel.arch.KernelTables;
import org.capazos.kernel.boot.BootInfo;
import org.capazos.kernel.drivers.Pl011;
import org.capazos.kernel.lib.Print;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.SystemRegister.*;

/**
 * The kernel stage: {@code _kcrt0} and {@code kmain}, with the console, the vectors, the kernel's translation
 * tables and the subsystems kmain brings up in order.
 */
public final class Kmain {
    /** An address no table maps (level-0 index 256 of TTBR1 is empty): CAPAZ_FAULT_TEST reads it. */
    public static final long FAULT_TEST_ADDRESS = 0xffff_8000_0000_0000L;

    private Kmain() { }

    public static Module build(BuildSwitches switches) {
        return build(switches, java.util.List.of());
    }

    /** The kernel with {@code steps} added to kmain, in order, just before it goes idle. */
    public static Module build(BuildSwitches switches, java.util.List<KernelStep> steps) {
        ModuleBuilder mb = new ModuleBuilder("kernel");
        MacroAssembler a = new MacroAssembler(mb);
        Struct bi = BootInfo.LAYOUT;
        Label kmain = new Label("kmain").global();
        Label bootInfoPtr = new Label("boot_info_ptr").global().object().size(8);

        // The early console: QEMU virt's PL011 through the direct map, until the device tree says otherwise.
        Pl011 uart = Pl011.emit(a, Label.external("__kernel_va_offset"), Platform.UART_EARLY_PA);
        Print print = Print.emit(a, uart);
        Label vectors = ExceptionReport.emit(a, print, "kernel");
        Kcrt0.emit(a, kmain, Label.external("kernel_halt"));
        KernelTables tables = KernelTables.emit(a);

        a.bss();
        a.align(8);
        a.bind(bootInfoPtr);
        a.space(8);

        a.text();
        a.function(kmain, new XReg[] {x19, x20, x21, x22}, 0, () -> {
            XReg info = x19;
            a.mov(info, x0);
            a.adrl(x9, bootInfoPtr);
            a.str(info, mem(x9));

            a.adrl(x9, vectors);
            a.msr(VBAR_EL1, x9);
            a.isb();
            print.print("CapazOS kernel " + CapazOS.VERSION + "\n");

            // The kernel's own tables: direct map of RAM, TTBR0 off.
            a.ldr(x0, bi.at(info, "hh_offset"));
            a.mov(x1, 16L << 30);
            a.call(tables.init);
            print.print("kmain: MMU: kernel tables active, TTBR0 disabled\n");

            if (switches.faultTest()) {
                print.print("kmain: CAPAZ_FAULT_TEST: reading an unmapped address\n");
                a.mov(x9, FAULT_TEST_ADDRESS);
                a.ldr(x9, mem(x9));
            }
            for (KernelStep step : steps) step.emit(a, print);
            print.print("kmain: idle\n");
            a.loop(a::wfi);
        });
        return mb.build();
    }
}
