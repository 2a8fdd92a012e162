package org.capazos.harness.emu;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Enc;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.XReg;
import org.capazos.dsl.module.Module;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.capazos.dsl.MacroAssembler.addressOf;
import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The macro layer, tested by running what it emits: moves of any value, frames, calls and structured control
 * flow, literal pools and branch relaxation at their range limits.
 */
class MacroAssemblerRunTest {
    private static final long BASE = 0x4008_0000L;
    private static final long BUF = 0x6000_0000L;

    private static Emulator build(Consumer<MacroAssembler> body) {
        ModuleBuilder mb = new ModuleBuilder("t");
        MacroAssembler a = new MacroAssembler(mb);
        body.accept(a);
        Module m = mb.build();
        return Emulator.link(List.of(m), BASE);
    }

    /** movz/movn + movk, one per 16-bit chunk that differs from the filler: what LLVM's expansion never beats. */
    private static int chunkBound(long v) {
        int zeros = 0, ones = 0;
        for (int i = 0; i < 4; i++) {
            long c = (v >>> (16 * i)) & 0xffff;
            if (c == 0) zeros++;
            if (c == 0xffff) ones++;
        }
        return Math.max(1, 4 - Math.max(zeros, ones));
    }

    @Test
    void movOfTenThousandRandomValues() {
        Random r = new Random(2026);
        long[] values = new long[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (i % 4) {
                case 0 -> r.nextLong();
                case 1 -> r.nextLong() & 0xffff_0000_ffffL;           // sparse chunks
                case 2 -> ~(r.nextLong() & 0xffffL) << (16 * r.nextInt(4)); // one chunk, inverted
                default -> r.nextInt();                                 // sign-extended 32-bit
            };
        }
        int[] counts = new int[values.length];
        try (Emulator emu = build(a -> a.leafFunction("fill", () -> {
            for (int i = 0; i < values.length; i++) {
                int before = a.position();
                a.mov(x2, values[i]);
                counts[i] = (a.position() - before) / 4;
                a.str(x2, postIndex(x0, 8));
            }
            a.ret();
        }))) {
            emu.map(BUF, values.length * 8L);
            emu.call("fill", BUF);
            int single = 0;
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], emu.readLong(BUF + 8L * i), "value " + i);
                boolean oneInstruction = Enc.movz64(values[i]) >= 0 || Enc.movn64(values[i]) >= 0
                        || Enc.bitmask64(values[i]) >= 0;   // exactly the values llvm-mc takes as "mov x, #v"
                if (oneInstruction) {
                    assertEquals(1, counts[i], Long.toHexString(values[i]));
                    single++;
                } else {
                    assertTrue(counts[i] <= chunkBound(values[i]), Long.toHexString(values[i]) + ": " + counts[i]);
                }
            }
            System.out.printf("mov: %d values run, %d in one instruction, %d instructions in all%n", values.length,
                    single, java.util.Arrays.stream(counts).sum());
        }
    }

    /**
     * LLVM's own expansion of a 64-bit constant (what clang -O2 emits for {@code return 0x...;}) against ours,
     * value by value: ours is never longer.
     */
    @Test
    void movIsNeverLongerThanClangsExpansion(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        boolean clang = org.capazos.harness.Provisioner.ensure("clang-14", "clang-14");
        if (!clang) System.err.println("MOV-VS-CLANG TEST SKIPPED: no clang-14 on PATH; install clang-14");
        org.junit.jupiter.api.Assumptions.assumeTrue(clang);
        Random r = new Random(7);
        long[] values = new long[4000];
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (i % 4) {
                case 0 -> r.nextLong();
                case 1 -> r.nextLong() & 0xffff_0000_ffffL;
                case 2 -> ~(r.nextLong() & 0xffffL) << (16 * r.nextInt(4));
                default -> (r.nextLong() & 0x0f0f_0f0f_0f0f_0f0fL) | 0x1000_0000_0000L;
            };
            c.append(String.format("unsigned long f%d(void) { return 0x%xUL; }%n", i, values[i]));
        }
        java.nio.file.Path src = java.nio.file.Files.writeString(dir.resolve("consts.c"), c);
        java.nio.file.Path obj = dir.resolve("consts.o");
        Process p = new ProcessBuilder("clang-14", "--target=aarch64-none-elf", "-O2", "-ffreestanding", "-c",
                src.toString(), "-o", obj.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, out);
        Module clangModule = org.capazos.imagegen.elf.ElfObjectReader.read(obj);
        int longer = 0, shorter = 0, same = 0;
        for (int i = 0; i < values.length; i++) {
            long clangInstructions = clangModule.symbol("f" + i).size() / 4 - 1;   // minus the ret
            ModuleBuilder mb = new ModuleBuilder("m");
            MacroAssembler a = new MacroAssembler(mb);
            a.mov(x0, values[i]);
            int ours = a.position() / 4;
            assertTrue(ours <= clangInstructions, String.format("0x%x: %d instructions, clang %d", values[i], ours,
                    clangInstructions));
            if (ours < clangInstructions) shorter++;
            else same++;
        }
        System.out.printf("mov vs clang -O2: %d values, same length %d, shorter %d, longer %d%n", values.length, same,
                shorter, longer);
    }

    @Test
    void addAndSubtractAnyImmediate() {
        Random r = new Random(11);
        long[] values = new long[400];
        for (int i = 0; i < values.length; i++)
            values[i] = switch (i % 4) {
                case 0 -> r.nextInt(1 << 12);
                case 1 -> r.nextInt(1 << 24);
                case 2 -> -r.nextInt(1 << 24);
                default -> r.nextLong();
            };
        try (Emulator emu = build(a -> a.leafFunction("addsub", () -> {
            a.mov(x2, x1);
            for (long v : values) {
                a.addImm(x3, x2, v);
                a.str(x3, postIndex(x0, 8));
                a.subImm(x3, x2, v);
                a.str(x3, postIndex(x0, 8));
            }
            a.ret();
        }))) {
            emu.map(BUF, values.length * 16L);
            long base = 0x1234_5678_9abc_def0L;
            emu.call("addsub", BUF, base);
            for (int i = 0; i < values.length; i++) {
                assertEquals(base + values[i], emu.readLong(BUF + 16L * i), "add " + values[i]);
                assertEquals(base - values[i], emu.readLong(BUF + 16L * i + 8), "sub " + values[i]);
            }
        }
    }

    @Test
    void logicalAndCompareWithAnyImmediate() {
        Random r = new Random(13);
        long[] values = new long[200];
        for (int i = 0; i < values.length; i++) values[i] = i % 2 == 0 ? r.nextLong() : 0x00ff_00ff_00ff_00ffL << (i % 8);
        long base = 0x0123_4567_89ab_cdefL;
        try (Emulator emu = build(a -> a.leafFunction("logic", () -> {
            for (long v : values) {
                a.andImm(x3, x1, v);
                a.str(x3, postIndex(x0, 8));
                a.orrImm(x3, x1, v);
                a.str(x3, postIndex(x0, 8));
                a.cmpImm(x1, v);
                a.cset(x3, Condition.HI);              // unsigned base > v
                a.str(x3, postIndex(x0, 8));
            }
            a.andImm(xzr, x1, 0xffL);                  // xzr as destination: the result is discarded
            a.ret();
        }))) {
            emu.map(BUF, values.length * 24L);
            emu.call("logic", BUF, base);
            for (int i = 0; i < values.length; i++) {
                long v = values[i];
                assertEquals(base & v, emu.readLong(BUF + 24L * i), "and " + Long.toHexString(v));
                assertEquals(base | v, emu.readLong(BUF + 24L * i + 8), "orr " + Long.toHexString(v));
                assertEquals(Long.compareUnsigned(base, v) > 0 ? 1 : 0, emu.readLong(BUF + 24L * i + 16), "cmp " + v);
            }
        }
    }

    @Test
    void framesCallsAndNestedLoopsComputeTheRightResults() {
        // fib(n) recursive, with a frame; sum_{i<n} sum_{j<=i} (i*j) with nested loops, break and continue
        try (Emulator emu = build(a -> {
            Label fib = new Label("fib").global();
            a.function(fib, new XReg[] {x19, x20}, 16, () -> {
                a.cmp(x0, 2);
                a.ifThen(Condition.LO, a::leave);
                a.mov(x19, x0);
                a.str(x19, mem(sp, a.currentFunction().localsOffset()));   // a named local slot
                a.sub(x0, x19, 1);
                a.call(fib);
                a.mov(x20, x0);
                a.ldr(x19, mem(sp, a.currentFunction().localsOffset()));
                a.sub(x0, x19, 2);
                a.call(fib);
                a.add(x0, x0, x20);
                a.leave();
            });
            a.function("nested", new XReg[] {x19, x20, x21, x22}, 0, () -> {
                a.mov(x22, x0);                   // n
                a.mov(x21, 0L);                   // sum
                a.forRange(x19, x22, () -> {
                    a.mov(x20, 0L);
                    a.whileLoop(() -> {
                        a.cmp(x20, x19);
                        return Condition.LS;
                    }, () -> {
                        a.add(x20, x20, 1);
                        a.tst(x20, 1L);
                        a.continueIf(Condition.NE);       // only even j (after increment: j-1 odd skipped)
                        a.madd(x21, x19, x20, x21);
                    });
                    a.cmp(x19, 40);
                    a.breakIf(Condition.EQ);
                });
                a.mov(x0, x21);
                a.leave();
            });
        })) {
            long[] f = new long[25];
            f[0] = 0;
            f[1] = 1;
            for (int i = 2; i < f.length; i++) f[i] = f[i - 1] + f[i - 2];
            for (int n : new int[] {0, 1, 2, 10, 20, 24}) assertEquals(f[n], emu.call("fib", n), "fib(" + n + ")");
            for (int n : new int[] {0, 1, 5, 33, 41, 60}) {
                long sum = 0;
                for (long i = 0; i < n; i++) {
                    for (long j = 0; j <= i; ) {
                        j++;
                        if ((j & 1) != 0) continue;
                        sum += i * j;
                    }
                    if (i == 40) break;
                }
                assertEquals(sum, emu.call("nested", n), "nested(" + n + ")");
            }
        }
    }

    /** A routine that takes one branch across {@code gap} bytes of nops and returns 1 if it arrived. */
    private static void farBranch(MacroAssembler a, String name, int gapInstructions, boolean forward,
                                  java.util.function.BiConsumer<MacroAssembler, Label> branch) {
        a.leafFunction(name, () -> {
            Label target = new Label(), end = new Label();
            a.mov(x0, 0L);
            if (forward) {
                branch.accept(a, target);
                for (int i = 0; i < gapInstructions; i++) a.nop();
                a.bind(target);
                a.mov(x0, 1L);
            } else {
                a.b(end);                         // jump to the far branch, which jumps back
                a.bind(target);
                a.mov(x0, 1L);
                a.ret();
                for (int i = 0; i < gapInstructions; i++) a.nop();
                a.bind(end);
                branch.accept(a, target);
            }
            a.ret();
        });
    }

    @Test
    void branchesJustInsideAndJustPastTheirRangesArrive() {
        int cond = (1 << 20) / 4, test = (1 << 15) / 4;    // range limits, in instructions
        try (Emulator emu = build(a -> {
            a.mov(x1, 0L);
            for (int delta : new int[] {-2, -1, 0, 1}) {
                String d = "_" + (delta + 2);
                farBranch(a, "cbz_f" + d, cond + delta - 1, true, (m, l) -> m.cbz(x1, l));
                farBranch(a, "bcond_b" + d, cond + delta - 1, false, (m, l) -> {
                    m.cmp(x1, 0);
                    m.b(Condition.EQ, l);
                });
                farBranch(a, "tbz_f" + d, test + delta - 1, true, (m, l) -> m.tbz(x1, 3, l));
                farBranch(a, "tbnz_b" + d, test + delta - 1, false, (m, l) -> {
                    m.mov(x2, 8L);
                    m.tbnz(x2, 3, l);
                });
            }
        })) {
            emu.instructionLimit(100_000_000L);
            for (String r : new String[] {"cbz_f", "bcond_b", "tbz_f", "tbnz_b"})
                for (int k = 0; k < 4; k++) {
                    emu.setX(1, 0);
                    assertEquals(1, emu.call(r + "_" + k), r + "_" + k + " did not arrive");
                }
        }
    }

    @Test
    void literalPoolsAtTheirRangeLimitsLoadTheRightValues() {
        long[] values = {0x1122_3344_5566_7788L, -2L, 0x8000_0000_0000_0001L};
        try (Emulator emu = build(a -> {
            a.leafFunction("pool", () -> {
                a.ldr(x3, values[0]);
                a.ldr(x4, values[1]);
                for (int i = 0; i < (3 << 20) / 4; i++) a.nop();   // forces a pool (with a branch over it) mid-code
                a.ldr(x5, values[2]);
                a.ldr(x6, values[0]);                              // after the first pool: a new entry
                a.eor(x0, x3, x4);
                a.eor(x0, x0, x5);
                a.eor(x0, x0, x6);
                a.ret();
            });
            Label data = new Label("datum").global();
            a.data();
            a.align(8);
            a.bind(data);
            a.quad(0x5a5a_5a5a_5a5a_5a5aL);
            a.text();
            a.leafFunction("address", () -> {
                a.ldr(x1, addressOf(data));
                a.ldr(x0, mem(x1));
                a.ret();
            });
        })) {
            emu.instructionLimit(100_000_000L);
            assertEquals(values[0] ^ values[1] ^ values[2] ^ values[0], emu.call("pool"));
            assertEquals(0x5a5a_5a5a_5a5a_5a5aL, emu.call("address"));
        }
    }
}
