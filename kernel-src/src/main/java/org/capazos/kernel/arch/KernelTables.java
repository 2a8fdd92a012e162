package org.capazos.kernel.arch;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Shift;
import org.capazos.dsl.XReg;

import static org.capazos.dsl.BarrierOption.ISH;
import static org.capazos.dsl.BarrierOption.ISHST;
import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.SystemOperation.TLBI_VMALLE1;
import static org.capazos.dsl.SystemRegister.*;
import static org.capazos.kernel.arch.Mmu.*;

/**
 * The kernel's own translation tables: the higher-half direct map ({@code VA = PA + hh_offset}) of the first
 * GiB as device memory and of every GiB that holds RAM as normal memory, through TTBR1. TTBR0 is then
 * disabled (TCR_EL1.EPD0): at kernel run time no low address translates, so a stray user-range pointer
 * faults (default deny).
 */
public final class KernelTables {
    /** The direct map's reach: one level-1 table, 512 GiB. */
    public static final long DIRECT_MAP_SIZE = (long) ENTRIES << L1_BLOCK_SHIFT;

    public final Label l0 = new Label("kernel_l0").object().size(PAGE_SIZE);
    public final Label l1 = new Label("kernel_l1").object().size(PAGE_SIZE);
    /** {@code mmu_init(x0 = hh_offset, x1 = end of RAM (physical))}. */
    public final Label init = new Label("mmu_init").global();

    private KernelTables() { }

    public static KernelTables emit(MacroAssembler a) {
        KernelTables k = new KernelTables();
        a.bss();
        a.align((int) PAGE_SIZE);
        a.bind(k.l0);
        a.space((int) PAGE_SIZE);
        a.bind(k.l1);
        a.space((int) PAGE_SIZE);

        a.text();
        a.leafFunction(k.init, () -> {
            XReg offset = x0, ramEnd = x1, l0va = x9, l1va = x10, desc = x11, gib = x12, normal = x13;
            a.adrl(l0va, k.l0);
            a.adrl(l1va, k.l1);
            a.sub(desc, l1va, offset);                    // physical address of the level-1 table
            a.orr(desc, desc, DESC_TABLE | DESC_VALID);
            a.str(desc, mem(l0va));
            a.mov(desc, BLOCK_DEVICE);                    // GiB 0: the devices (UART, GIC, ...)
            a.str(desc, mem(l1va));
            a.mov(normal, BLOCK_NORMAL);
            a.mov(gib, 1L);
            a.loop(() -> {                                // GiBs 1..: RAM, up to ramEnd (rounded up)
                a.cmp(gib, ENTRIES);
                a.breakIf(Condition.HS);
                a.lsl(desc, gib, L1_BLOCK_SHIFT);
                a.cmp(desc, ramEnd);
                a.breakIf(Condition.HS);
                a.orr(desc, desc, normal);
                a.str(desc, mem(l1va, gib, Shift.LSL, 3));
                a.add(gib, gib, 1);
            });
            a.dsb(ISHST);
            a.sub(desc, l0va, offset);
            a.msr(TTBR1_EL1, desc);
            a.mrs(desc, TCR_EL1);
            a.orr(desc, desc, TCR_EPD0);                  // no more walks through TTBR0
            a.msr(TCR_EL1, desc);
            a.msr(TTBR0_EL1, xzr);
            a.isb();
            a.tlbi(TLBI_VMALLE1);
            a.dsb(ISH);
            a.isb();
            a.ret();
        });
        return k;
    }
}
