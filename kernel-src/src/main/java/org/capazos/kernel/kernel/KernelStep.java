package org.capazos.kernel.kernel;

import org.capazos.dsl.MacroAssembler;
import org.capazos.kernel.lib.Print;

/**
 * A step added to kmain: it emits code that kmain runs after the kernel's own bring-up and before
 * {@code kmain: idle}, with {@code x19} = the {@code boot_info} pointer (callee-saved: keep it). The step
 * may call the kernel's routines, print through {@code print}, and clobber caller-saved registers.
 */
@FunctionalInterface
public interface KernelStep {
    void emit(MacroAssembler a, Print print);
}
