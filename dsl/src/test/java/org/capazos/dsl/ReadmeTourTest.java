package org.capazos.dsl;

import org.capazos.dsl.module.Module;
import org.junit.jupiter.api.Test;

import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** The DSL tour in README.md, verbatim, so the README cannot rot. */
class ReadmeTourTest {
    @Test
    void theTourBuildsAModule() {
        ModuleBuilder module = new ModuleBuilder("hello");
        MacroAssembler a = new MacroAssembler(module);           // starts in .text

        Label msg = a.cstring("hello\n");                         // NUL-terminated, in .rodata
        a.function("strlen", new XReg[] {}, 0, () -> {            // AAPCS64 frame; symbol gets type and size
            a.mov(x1, x0);
            a.loop(() -> {                                        // structured control flow, labels managed for you
                a.ldrb(w2, postIndex(x1, 1));
                a.cbz(w2, a.loopExit());
            });
            a.sub(x0, x1, x0);
            a.sub(x0, x0, 1);
            a.leave();
        });
        a.mov(x3, 0x1234_5678_9abc_def0L);                        // any 64-bit value, fewest instructions
        a.add(x0, x1, 16);                                        // raw instructions are typed: a.add(w0, x1, 16) does not compile
        a.msr(SystemRegister.VBAR_EL1, x0);
        a.asm("""
                1:  ldxr x2, [x0]                                 // pasted GNU syntax, same instruction table
                    add  x2, x2, #1
                    stxr w3, x2, [x0]
                    cbnz w3, 1b
                """);
        Struct bootInfo = Struct.named("boot_info").u64("magic").u64("dtb_pa").build();
        a.ldr(x1, bootInfo.at(x0, "dtb_pa"));                     // offsets from one layout
        Module m = module.build();                                // sections + symbols + relocations, for the linker

        assertNotNull(msg);
        assertEquals(".rodata", m.section(".rodata").name());
        assertEquals(org.capazos.dsl.module.ModuleSymbol.Type.FUNC, m.symbol("strlen").type());
        assertTrue(m.symbol("strlen").size() > 0);
    }
}
