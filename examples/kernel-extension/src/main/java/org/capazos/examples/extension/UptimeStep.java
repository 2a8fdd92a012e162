package org.capazos.examples.extension;

import org.capazos.dsl.MacroAssembler;
import org.capazos.kernel.boot.BootInfo;
import org.capazos.kernel.kernel.KernelStep;
import org.capazos.kernel.lib.Print;

import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.SystemRegister.CNTFRQ_EL0;

/**
 * A new kmain step: report the generic timer's frequency and where the device tree is, from boot_info
 * (x19 holds it in kmain; the layout comes from the one BootInfo description the kernel uses).
 */
public final class UptimeStep implements KernelStep {
    public static final String PREFIX = "extension: ";

    @Override
    public void emit(MacroAssembler a, Print print) {
        a.mrs(x20, CNTFRQ_EL0);
        print.printDec(PREFIX + "timer ticks at ", x20);
        print.print(" Hz\n");
        a.ldr(x20, BootInfo.LAYOUT.at(x19, "dtb_pa"));
        print.printHex(PREFIX + "device tree at ", x20);
        print.print("\n");
    }
}
