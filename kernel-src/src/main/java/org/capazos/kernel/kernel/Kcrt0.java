package org.capazos.kernel.kernel;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Section;

import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * {@code _kcrt0}: the kernel's entry, reached from the boot stage with x0 = boot_info (direct-map address),
 * the MMU on and the stack still at its physical (identity-mapped) address. It moves the stack into the
 * higher-half direct map, zeroes .bss deterministically, takes the kernel's own stack and calls
 * {@code kmain(boot_info)}, which does not return.
 */
public final class Kcrt0 {
    public static final int STACK_SIZE = 16 * 1024;

    private Kcrt0() { }

    public static void emit(MacroAssembler a, Label kmain, Label halt) {
        Label kcrt0 = new Label("_kcrt0").global();
        Label stackTop = new Label("kernel_stack_top").global();
        a.bss();
        a.align(16);
        a.space(STACK_SIZE);
        a.bind(stackTop);

        a.section(".text.entry", Section.Kind.CODE);
        a.leafFunction(kcrt0, () -> {
            // The boot stack, seen through the direct map: sp += (kernel virtual base - kernel physical base).
            a.movAddress(x9, Label.external("__kernel_va_offset"));
            a.mov(x10, sp);
            a.add(x10, x10, x9);
            a.mov(sp, x10);
            // .bss: zero every byte from __bss_start to __bss_end (both 8-byte aligned by kernel.ld).
            a.adrl(x9, Label.external("__bss_start"));
            a.adrl(x10, Label.external("__bss_end"));
            a.whileLoop(() -> {
                a.cmp(x9, x10);
                return Condition.LO;
            }, () -> a.str(xzr, postIndex(x9, 8)));
            a.adrl(x9, stackTop);
            a.mov(sp, x9);
            a.mov(fp, 0L);
            a.call(kmain);
            a.b(halt);
        });
    }
}
