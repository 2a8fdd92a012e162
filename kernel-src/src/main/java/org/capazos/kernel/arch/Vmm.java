package org.capazos.kernel.arch;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Shift;
import org.capazos.dsl.XReg;
import org.capazos.dsl.paging.Descriptor;
import org.capazos.kernel.mm.MmError;
import org.capazos.kernel.mm.Pmm;

import static org.capazos.dsl.BarrierOption.ISH;
import static org.capazos.dsl.BarrierOption.ISHST;
import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * Page-table growth from the PMM (the seed's first next step): the kernel's static level-0 and level-1 tables
 * stay in .bss, and any further table a mapping needs is a page from the PMM, zeroed and reached through the
 * direct map.
 * <ul>
 * <li>{@code vmm_map_page(x0 = va, x1 = pa, x2 = attributes) -> x0 = 0 | ENOMEM | EINVAL}: maps one 4 KiB page
 *     of the higher half (TTBR1); the attributes are a descriptor's attribute bits (see
 *     {@link org.capazos.dsl.paging.Mapping#attributes()}). EINVAL: not page-aligned, or the VA is already
 *     mapped, by a page or by a block.</li>
 * </ul>
 */
public final class Vmm {
    public final Label mapPage = new Label("vmm_map_page").global();

    private Vmm() { }

    public static Vmm emit(MacroAssembler a, KernelTables tables, Pmm pmm) {
        Vmm v = new Vmm();
        a.text();
        a.function(v.mapPage, new XReg[] {x19, x20, x21, x22, x23, x24}, 16, () -> {
            XReg va = x19, pa = x20, attrs = x21, table = x22, level = x23, offset = x24;
            int slot = a.currentFunction().localsOffset();         // [slot]: new table's PA, [slot+8]: &entry
            Label invalid = new Label(), noMemory = new Label();
            a.mov(va, x0);
            a.mov(pa, x1);
            a.mov(attrs, x2);
            a.orr(x9, va, pa);
            a.tst(x9, Descriptor.GRANULE - 1);
            a.b(Condition.NE, invalid);
            a.movAddress(offset, Label.external("__kernel_va_offset"));
            a.adrl(table, tables.l0);
            a.mov(level, 0L);
            // Levels 0-2: follow the table descriptor, or make one from a fresh, zeroed PMM page.
            a.loop(() -> {
                a.cmp(level, 3);
                a.breakIf(Condition.EQ);
                index(a, va, level, x9);
                a.add(x13, table, x9, Shift.LSL, 3);               // x13: the entry's address
                a.ldr(x10, mem(x13));
                Label present = new Label();
                a.tbnz(x10, 0, present);
                a.str(x13, mem(sp, slot + 8));
                a.add(x0, sp, slot);
                a.call(pmm.allocPageVa);                           // x0: the new page through the direct map
                a.cbz(x0, noMemory);
                a.add(x10, x0, Descriptor.GRANULE);
                a.whileLoop(() -> {
                    a.cmp(x0, x10);
                    return Condition.LO;
                }, () -> a.stp(xzr, xzr, postIndex(x0, 16)));
                a.ldr(x10, mem(sp, slot));
                a.orr(x10, x10, Descriptor.TABLE | Descriptor.VALID);
                a.ldr(x13, mem(sp, slot + 8));
                a.dsb(ISHST);                                       // the zeroes before the link to them
                a.str(x10, mem(x13));
                a.bind(present);
                a.tbz(x10, 1, invalid);                             // a block: the VA is mapped already
                a.and(x10, x10, Descriptor.ADDRESS_MASK);
                a.add(table, x10, offset);
                a.add(level, level, 1);
            });
            // Level 3: the page itself.
            index(a, va, level, x9);
            a.add(x13, table, x9, Shift.LSL, 3);
            a.ldr(x10, mem(x13));
            a.tbnz(x10, 0, invalid);
            a.orr(x10, pa, attrs);
            a.orr(x10, x10, Descriptor.PAGE | Descriptor.VALID);
            a.str(x10, mem(x13));
            a.dsb(ISH);
            a.isb();
            a.mov(x0, 0L);
            a.leave();
            a.bind(invalid);
            a.mov(x0, MmError.EINVAL);
            a.leave();
            a.bind(noMemory);
            a.mov(x0, MmError.ENOMEM);
            a.leave();
        });
        return v;
    }

    /** {@code out} = (va >> (39 - 9 * level)) & 511. */
    private static void index(MacroAssembler a, XReg va, XReg level, XReg out) {
        a.mov(x11, 9L);
        a.mul(x11, x11, level);
        a.mov(x12, 39L);
        a.sub(x11, x12, x11);
        a.lsr(out, va, x11);
        a.and(out, out, (long) Descriptor.ENTRIES - 1);
    }
}
