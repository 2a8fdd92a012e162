package org.capazos.examples.hello;

import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.build.BuildSwitches;
import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;

import java.util.List;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * The smallest useful bare-metal program: print a greeting on the PL011 UART, then power the machine off
 * through PSCI. The capaz-maven-plugin finds this class, runs it, and links the module with hello.ld.
 */
public final class HelloImage implements ImageDefinition {
    /** The PL011's data register on QEMU virt. */
    static final long UART = 0x0900_0000L;
    /** PSCI SYSTEM_OFF (issued with hvc on QEMU virt). */
    static final long PSCI_SYSTEM_OFF = 0x8400_0008L;
    public static final String GREETING = "hello, world from CapazOS-J";

    @Override
    public List<Stage> stages(BuildSwitches switches) {
        ModuleBuilder module = new ModuleBuilder("hello");
        MacroAssembler a = new MacroAssembler(module);

        Label puts = new Label("puts");
        a.leafFunction(puts, () -> {                    // puts(x0 = string): one byte at a time to the UART
            a.mov(x1, UART);
            a.loop(() -> {
                a.ldrb(w2, postIndex(x0, 1));
                a.cbz(w2, a.loopExit());
                a.strb(w2, mem(x1));
            });
            a.ret();
        });

        a.section(".text.start", Section.Kind.CODE);
        a.leafFunction(new Label("_start").global(), () -> {   // no frame: there is no stack yet
            a.adrl(x9, Label.external("stack_top"));
            a.mov(sp, x9);
            a.adrl(x0, a.cstring(GREETING + "\n"));
            a.call(puts);
            a.mov(x0, PSCI_SYSTEM_OFF);
            a.hvc(0);
            a.loop(a::wfi);                              // not reached: QEMU has exited
        });

        a.bss();
        a.align(16);
        a.space(4096);
        a.bind(new Label("stack_top").global());
        return List.of(new Stage("hello", "hello.ld", List.of(module.build())));
    }
}
