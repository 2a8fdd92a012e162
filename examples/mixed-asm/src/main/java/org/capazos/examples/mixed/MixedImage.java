package org.capazos.examples.mixed;

import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.build.BuildSwitches;
import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;

import java.util.List;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Registers.*;

/**
 * Pasted GNU assembly and builder code in one module, sharing labels: the string routines come from an
 * existing .S file (pasted as text), the main flow is written with the builder and calls them by name.
 */
public final class MixedImage implements ImageDefinition {
    static final long UART = 0x0900_0000L;
    public static final String WORD = "CapazOS-J";

    /** strlen and a hex printer, as someone might paste them from an old .S file. */
    static final String PASTED = """
            // size_t strlen(const char *s)
            strlen:
                mov     x1, x0
            1:  ldrb    w2, [x1], #1
                cbnz    w2, 1b
                sub     x0, x1, x0
                sub     x0, x0, #1
                ret

            // void put_hex(uint64_t v): 16 digits on the UART (x9 = UART base)
            put_hex:
                mov     x3, #60
            2:  lsr     x4, x0, x3
                and     x4, x4, #0xf
                cmp     x4, #10
                add     x5, x4, #48          // '0'
                add     x6, x4, #87          // 'a' - 10
                csel    x4, x5, x6, lo
                strb    w4, [x9]
                subs    x3, x3, #4
                b.pl    2b
                ret
            """;

    @Override
    public List<Stage> stages(BuildSwitches switches) {
        ModuleBuilder module = new ModuleBuilder("mixed");
        MacroAssembler a = new MacroAssembler(module);
        a.asm(PASTED);

        a.section(".text.start", Section.Kind.CODE);
        a.leafFunction(new Label("_start").global(), () -> {
            a.mov(x9, UART);
            Label word = a.cstring(WORD);
            a.adrl(x0, word);
            a.bl(a.textLabel("strlen"));            // a label defined in the pasted text
            a.mov(x20, x0);
            a.adrl(x0, word);
            a.ldr(x0, mem(x0));                    // the first 8 bytes of the word, as a number
            a.bl(a.textLabel("put_hex"));
            a.mov(w10, (long) ' ');
            a.strb(w10, mem(x9));
            a.mov(x0, x20);
            a.bl(a.textLabel("put_hex"));
            a.mov(w10, (long) '\n');
            a.strb(w10, mem(x9));
            a.asm("""
                    movz x0, #0x0008
                    movk x0, #0x8400, lsl #16        // PSCI SYSTEM_OFF
                    hvc  #0
                    """);
            a.loop(a::wfi);
        });
        return List.of(new Stage("mixed", "hello.ld", List.of(module.build())));
    }
}
