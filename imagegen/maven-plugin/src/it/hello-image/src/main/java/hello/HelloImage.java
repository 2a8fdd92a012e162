package hello;

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

/** Prints a line on the PL011 UART and powers the machine off through PSCI. */
public final class HelloImage implements ImageDefinition {
    @Override
    public List<Stage> stages(BuildSwitches switches) {
        ModuleBuilder mb = new ModuleBuilder("hello");
        MacroAssembler a = new MacroAssembler(mb);
        a.section(".text.boot", Section.Kind.CODE);
        a.bind(new Label("_start").global());
        a.adrl(x1, a.cstring("hello from a plugin-built image\n"));
        a.mov(x2, 0x0900_0000L);                       // PL011 data register on QEMU virt
        a.loop(() -> {
            a.ldrb(w3, postIndex(x1, 1));
            a.cbz(w3, a.loopExit());
            a.strb(w3, mem(x2));
        });
        a.mov(x0, 0x8400_0008L);                       // PSCI SYSTEM_OFF
        a.hvc(0);
        a.loop(a::wfi);
        return List.of(new Stage("hello", "hello.ld", List.of(mb.build())));
    }
}
