package org.capazos.harness.emu;

import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.XReg;
import org.capazos.dsl.module.Module;
import org.capazos.harness.Provisioner;
import org.capazos.imagegen.elf.ElfObjectReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * C compiled by clang and DSL code, linked by our linker and run: calls and data references both ways
 * (clang's adrp/add/ldr lo12 and call relocations, the DSL's calls into C and C's call back into the DSL).
 */
class ClangInteropTest {
    @TempDir
    Path dir;

    static final String C = """
            extern unsigned long dsl_scale(unsigned long);   /* written with the DSL */
            unsigned long counter;                            /* .bss */
            const unsigned int weights[4] = {3, 5, 7, 11};    /* .rodata */

            unsigned long weighted_sum(const unsigned int *a, unsigned long n) {
                unsigned long s = 0;
                for (unsigned long i = 0; i < n; i++) s += (unsigned long) a[i] * weights[i & 3];
                counter++;
                return dsl_scale(s);
            }
            """;

    @Test
    void cAndDslCallEachOther() throws Exception {
        boolean clang = Provisioner.ensure("clang-14", "clang-14");
        if (!clang) System.err.println("CLANG INTEROP TEST SKIPPED: no clang-14 on PATH; install clang-14");
        assumeTrue(clang);
        Path src = Files.writeString(dir.resolve("weights.c"), C);
        Path obj = dir.resolve("weights.o");
        Process p = new ProcessBuilder("clang-14", "--target=aarch64-none-elf", "-O2", "-ffreestanding", "-fno-pic",
                "-mgeneral-regs-only", "-c", src.toString(), "-o", obj.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        Module c = ElfObjectReader.read(obj);

        ModuleBuilder mb = new ModuleBuilder("dsl");
        MacroAssembler a = new MacroAssembler(mb);
        a.leafFunction("dsl_scale", () -> {          // x0 * 10
            a.add(x0, x0, x0, org.capazos.dsl.Shift.LSL, 2);
            a.lsl(x0, x0, 1);
            a.ret();
        });
        a.function("run", new XReg[] {x19}, 0, () -> {
            a.call(Label.external("weighted_sum"));
            a.mov(x19, x0);
            a.adrl(x1, Label.external("counter"));   // a C variable, by name
            a.ldr(x1, org.capazos.dsl.Mem.mem(x1));
            a.add(x0, x19, x1);
            a.leave();
        });
        try (Emulator emu = Emulator.link(List.of(mb.build(), c), 0x4008_0000L)) {
            long buf = 0x5000_0000L;
            emu.map(buf, 4096);
            int[] values = {1, 2, 3, 4, 5, 6, 7};
            for (int i = 0; i < values.length; i++) emu.write(buf + 4L * i, new byte[] {(byte) values[i], 0, 0, 0});
            int[] w = {3, 5, 7, 11};
            long expected = 0;
            for (int i = 0; i < values.length; i++) expected += (long) values[i] * w[i & 3];
            assertEquals(expected * 10 + 1, emu.call("run", buf, values.length));   // counter is 1 after one call
            assertEquals(expected * 10 + 2, emu.call("run", buf, values.length));
        }
    }
}
