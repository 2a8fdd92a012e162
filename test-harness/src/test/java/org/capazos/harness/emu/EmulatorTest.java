package org.capazos.harness.emu;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.XReg;
import org.capazos.dsl.module.Module;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class EmulatorTest {
    static final long BASE = 0x4008_0000L;

    static Module module(Consumer<MacroAssembler> body) {
        ModuleBuilder mb = new ModuleBuilder("test");
        body.accept(new MacroAssembler(mb));
        return mb.build();
    }

    @Test
    void addsAndCountsInstructions() {
        Module m = module(a -> a.leafFunction("add3", () -> {
            a.add(x0, x0, x1);
            a.add(x0, x0, x2);
            a.ret();
        }));
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            assertEquals(BASE, emu.symbol("add3"));
            assertEquals(60, emu.call("add3", 10, 20, 30));
            assertEquals(3, emu.instructionsExecuted());
            assertEquals(-1L, emu.call("add3", -3, 1, 1));
            assertEquals(3, emu.instructionsExecuted());
        }
    }

    @Test
    void loopCountsAreExactAndDeterministic() {
        Module m = module(a -> a.leafFunction("sum", () -> {  // sum of 0..n-1
            a.mov(x9, x0);
            a.mov(x0, 0L);
            a.forRange(x10, x9, () -> a.add(x0, x0, x10));
            a.ret();
        }));
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            assertEquals(45, emu.call("sum", 10));
            long ten = emu.instructionsExecuted();
            assertEquals(190, emu.call("sum", 20));
            long perIteration = (emu.instructionsExecuted() - ten) / 10;
            assertTrue(perIteration >= 3, "a loop iteration is at least cmp, branch, add");
            assertEquals(4950, emu.call("sum", 100));
            assertEquals(ten + 90 * perIteration, emu.instructionsExecuted(), "linear in the iterations");
            emu.call("sum", 10);
            assertEquals(ten, emu.instructionsExecuted(), "deterministic");
        }
    }

    @Test
    void profileCountsInstructionsPerRoutine() {
        Module m = module(a -> {
            Label leaf = new Label("leaf");
            a.leafFunction(leaf, () -> {
                a.add(x0, x0, 1);
                a.ret();
            });
            a.function("outer", new XReg[] {x19}, 0, () -> {
                a.call(leaf);
                a.call(leaf);
                a.leave();
            });
        });
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            emu.profiling(true);
            assertEquals(2, emu.call("outer", 0));
            Map<String, Long> profile = emu.profile();
            assertEquals(4, profile.get("leaf"));
            assertEquals(emu.instructionsExecuted() - 4, profile.get("outer"));
            assertEquals(List.of("outer", "leaf"), List.copyOf(profile.keySet()));
        }
    }

    @Test
    void exactBuffersCanBeUnmappedAndReplaced() {
        Module m = module(a -> a.leafFunction("first", () -> {
            a.ldrb(w0, mem(x0));
            a.ret();
        }));
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            emu.mapExact("a", 0x8000_0000L, new byte[] {42}, false);
            emu.mapExact("b", 0x8000_0008L, new byte[] {43}, false);   // shares the page
            assertEquals(42, emu.call("first", 0x8000_0000L));
            emu.unmapExact("a");
            EmulatorException gone = assertThrows(EmulatorException.class, () -> emu.call("first", 0x8000_0000L));
            assertTrue(gone.getMessage().contains("before the start of buffer \"b\""), gone.getMessage());
            assertEquals(43, emu.call("first", 0x8000_0008L));
            emu.unmapExact("b");
            EmulatorException unmapped = assertThrows(EmulatorException.class, () -> emu.call("first", 0x8000_0008L));
            assertTrue(unmapped.getMessage().contains("(unmapped)"), unmapped.getMessage());
            emu.mapExact("a", 0x8000_0000L, new byte[] {44}, false);
            assertEquals(44, emu.call("first", 0x8000_0000L));
            assertThrows(IllegalArgumentException.class, () -> emu.map(0x8000_0000L, 16));
        }
    }

    /** A function with a frame that prints through a PL011 at the default base, using .rodata and .data. */
    @Test
    void printsThroughThePl011() {
        Module m = module(a -> {
            Label base = new Label("uart_base").global();
            a.data();
            a.align(8);
            a.bind(base);
            a.quad(Emulator.DEFAULT_UART_BASE);
            a.text();
            Label putc = new Label("putc");
            a.leafFunction(putc, () -> {
                Label wait = new Label();
                a.adrl(x9, base);
                a.ldr(x9, mem(x9));
                a.bind(wait);
                a.ldr(w10, mem(x9, 0x18));
                a.tbnz(w10, 5, wait);
                a.strb(w0, mem(x9));
                a.ret();
            });
            Label hello = a.cstring("hello, emulator\n");
            a.function("hello", new XReg[] {x19}, 0, () -> {
                a.adrl(x19, hello);
                a.loop(() -> {
                    a.ldrb(w0, postIndex(x19, 1));
                    a.cbz(w0, a.loopExit());
                    a.call(putc);
                });
                a.mov(x0, 7L);
                a.leave();
            });
        });
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            assertEquals(7, emu.call("hello"));
            assertEquals("hello, emulator\n", emu.uartOutput());
            emu.clearUart();
            emu.call("hello");
            assertEquals("hello, emulator\n", emu.uartOutput());
        }
    }

    @Test
    void unmappedReadNamesPcAddressAndSymbol() {
        Module m = module(a -> a.leafFunction("peek", () -> {
            a.nop();
            a.ldr(x0, mem(x0, 8));
            a.ret();
        }));
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            EmulatorException e = assertThrows(EmulatorException.class, () -> emu.call("peek", 0x1234_0000L));
            assertEquals(EmulatorException.Kind.READ, e.kind());
            assertEquals(BASE + 4, e.pc());
            assertEquals(0x1234_0008L, e.address());
            assertTrue(e.getMessage().startsWith("read of 8 bytes at 0x12340008 (unmapped) by pc 0x40080004 <peek+0x4>: ldr x0, [x0, #8]"),
                    e.getMessage());
            // the emulator is still usable after a fault
            emu.map(0x1234_0000L, 16);
            emu.writeLong(0x1234_0008L, 0xfeedL);
            assertEquals(0xfeed, emu.call("peek", 0x1234_0000L));
        }
    }

    @Test
    void exactBuffersCatchOffByOneReadsAndReadOnlyWrites() {
        Module m = module(a -> {
            a.leafFunction("load_byte", () -> { // x0 = base, x1 = index
                a.ldrb(w0, mem(x0, x1));
                a.ret();
            });
            a.leafFunction("store_byte", () -> {
                a.strb(w2, mem(x0, x1));
                a.ret();
            });
        });
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            long buf = 0x8000_0010L;
            emu.mapExact("blob", buf, new byte[] {1, 2, 3, 4, 5}, false);
            emu.mapExact("out", 0x8000_0100L, 8, true);
            assertEquals(5, emu.call("load_byte", buf, 4));
            EmulatorException past = assertThrows(EmulatorException.class, () -> emu.call("load_byte", buf, 5));
            assertTrue(past.getMessage().contains("read of 1 byte at 0x80000015 (past the end of buffer \"blob\" "
                    + "[0x80000010, 0x80000015))"), past.getMessage());
            EmulatorException before = assertThrows(EmulatorException.class, () -> emu.call("load_byte", buf, -1));
            assertTrue(before.getMessage().contains("before the start of buffer \"blob\""), before.getMessage());
            EmulatorException ro = assertThrows(EmulatorException.class, () -> emu.call("store_byte", buf, 0, 9));
            assertEquals(EmulatorException.Kind.WRITE, ro.kind());
            assertTrue(ro.getMessage().contains("read-only buffer \"blob\""), ro.getMessage());
            emu.call("store_byte", 0x8000_0100L, 7, 0x5a);
            assertEquals(0x5a, emu.read(0x8000_0107L, 1)[0]);
            assertThrows(EmulatorException.class, () -> emu.call("store_byte", 0x8000_0100L, 8, 0x5a));
        }
    }

    @Test
    void writesToCodeAndReadOnlyDataFail() {
        Module m = module(a -> {
            Label ro = a.cstring("constant");
            a.leafFunction("scribble", () -> {
                a.adrl(x9, ro);
                a.strb(wzr, mem(x9));
                a.ret();
            });
        });
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            EmulatorException e = assertThrows(EmulatorException.class, () -> emu.call("scribble"));
            assertEquals(EmulatorException.Kind.WRITE, e.kind());
            assertTrue(e.getMessage().contains("read-only memory"), e.getMessage());
            assertTrue(e.getMessage().contains("<scribble+0x8>"), e.getMessage());
        }
    }

    @Test
    void exceptionsAndRunawayLoopsFail() {
        Module m = module(a -> {
            a.leafFunction("trap", () -> {
                a.svc(0);
                a.ret();
            });
            a.leafFunction("spin", () -> a.loop(a::nop));
            a.leafFunction("wild", () -> {
                a.mov(x9, 0x5000_0000L);
                a.br(x9);
            });
        });
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            EmulatorException svc = assertThrows(EmulatorException.class, () -> emu.call("trap"));
            assertEquals(EmulatorException.Kind.EXCEPTION, svc.kind());
            assertTrue(svc.getMessage().contains("svc"), svc.getMessage());
            emu.instructionLimit(1000);
            EmulatorException spin = assertThrows(EmulatorException.class, () -> emu.call("spin"));
            assertEquals(EmulatorException.Kind.LIMIT, spin.kind());
            assertTrue(spin.getMessage().contains("<spin"), spin.getMessage());
            EmulatorException wild = assertThrows(EmulatorException.class, () -> emu.call("wild"));
            assertEquals(EmulatorException.Kind.FETCH, wild.kind());
            assertEquals(0x5000_0000L, wild.address());
            assertTrue(wild.getMessage().contains("jumped to from pc"), wild.getMessage());
        }
    }

    @Test
    void calleeSavedRegistersAreChecked() {
        Module m = module(a -> a.leafFunction("clobber", () -> {
            a.mov(x19, 0L);
            a.ret();
        }));
        try (Emulator emu = Emulator.link(List.of(m), BASE)) {
            EmulatorException e = assertThrows(EmulatorException.class, () -> emu.call("clobber"));
            assertEquals(EmulatorException.Kind.ABI, e.kind());
            assertTrue(e.getMessage().contains("x19"), e.getMessage());
            emu.checkAbi(false);
            emu.call("clobber");
        }
    }

    @Test
    void stackAndDefsymsWork() {
        Module m = module(a -> {
            Label ext = Label.external("magic_value");
            a.function("deep", new XReg[] {x19, x20}, 64, () -> {
                int loc = a.currentFunction().localsOffset();
                a.str(x0, mem(sp, loc));
                a.movAddress(x19, ext);
                a.ldr(x20, mem(sp, loc));
                a.add(x0, x19, x20);
                a.leave();
            });
        });
        try (Emulator emu = Emulator.link(List.of(m), BASE, Map.of("magic_value", 0x1000L))) {
            assertEquals(0x1005, emu.call("deep", 5));
        }
    }
}
