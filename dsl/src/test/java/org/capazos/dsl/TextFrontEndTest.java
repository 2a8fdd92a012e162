package org.capazos.dsl;

import org.junit.jupiter.api.Test;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Mem.preIndex;
import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Pasted GNU text and the Java API make the same bytes (the sweep checks every row; this checks the parsing). */
class TextFrontEndTest {
    private static byte[] java(java.util.function.Consumer<MacroAssembler> body) {
        ModuleBuilder mb = new ModuleBuilder("j");
        MacroAssembler a = new MacroAssembler(mb);
        body.accept(a);
        return mb.build().section(".text").bytes();
    }

    @Test
    void aLoopWithLocalLabelsMatchesTheJavaCalls() {
        byte[] text = java(a -> a.asm("""
                    mov x2, #0            // sum
                1:  ldrb w3, [x0], #1
                    cbz w3, 2f
                    add x2, x2, x3
                    b 1b
                2:  mov x0, x2 ; ret
                """));
        byte[] api = java(a -> {
            Label top = new Label(), done = new Label();
            a.mov(x2, 0L);
            a.bind(top);
            a.ldrb(w3, postIndex(x0, 1));
            a.cbz(w3, done);
            a.add(x2, x2, x3);
            a.b(top);
            a.bind(done);
            a.mov(x0, x2);
            a.ret();
        });
        assertArrayEquals(api, text);
    }

    @Test
    void operandsOfEveryShape() {
        byte[] text = java(a -> a.asm("""
                add x0, sp, #16
                add x1, x2, #1, lsl #12
                stp x29, x30, [sp, #-32]!
                ldr x3, [x4, x5, lsl #3]
                ldr w6, [x7, #8]
                movk x8, #0xbeef, lsl #16
                msr vbar_el1, x9
                mrs x10, currentel
                msr daifset, #0xf
                dsb ish
                tlbi vmalle1
                b.eq .
                """.replace("b.eq .", "nop")));
        byte[] api = java(a -> {
            a.add(x0, sp, 16);
            a.add(x1, x2, 4096);
            a.stp(fp, lr, preIndex(sp, -32));
            a.ldr(x3, mem(x4, x5, Shift.LSL, 3));
            a.ldr(w6, mem(x7, 8));
            a.movk(x8, 0xbeef, 16);
            a.msr(SystemRegister.VBAR_EL1, x9);
            a.mrs(x10, SystemRegister.CURRENTEL);
            a.msr(PStateField.DAIFSET, 0xf);
            a.dsb(BarrierOption.ISH);
            a.tlbi(SystemOperation.TLBI_VMALLE1);
            a.nop();
        });
        assertArrayEquals(api, text);
    }

    @Test
    void systemFormsThatShareNames() {
        // checked against llvm-mc -mattr=+v8.2a: msr pan, x0 = d5184260; msr pan, #1 = d500419f;
        // prfm pldl1keep, [x1] = f9800020; sys #0, c7, c5, #0 = d508751f (ic iallu)
        byte[] text = java(a -> a.asm("msr pan, x0\nmsr pan, #1\nprfm pldl1keep, [x1]\nsys #0, c7, c5, #0"));
        int[] expected = {0xd5184260, 0xd500419f, 0xf9800020, 0xd508751f};
        for (int i = 0; i < expected.length; i++) {
            int w = (text[4 * i] & 0xff) | (text[4 * i + 1] & 0xff) << 8 | (text[4 * i + 2] & 0xff) << 16 | (text[4 * i + 3] & 0xff) << 24;
            assertEquals(expected[i], w, "instruction " + i);
        }
    }

    @Test
    void errorsNameTheCallerLineAndColumn() {
        EncodingException e = assertThrows(EncodingException.class, () -> java(a -> a.asm("nop\n  add x0, x1, #5000")));
        String m = e.getMessage();
        assertTrue(m.contains("TextFrontEndTest.java:"), m);
        assertTrue(m.contains("line 2, column 3"), m);
        assertTrue(m.contains("add: operand imm = 5000"), m);
    }

    @Test
    void formsOutsideTheTableGoToKeystone() {
        // crc32x is not in the table (not a kernel instruction): Keystone assembles it.
        byte[] bytes = java(a -> a.asm("crc32x w0, w1, x2"));
        assertEquals(4, bytes.length);
        int w = (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
        assertEquals(0x9ac24c20, w); // llvm-mc -mattr=+crc: [0x20,0x4c,0xc2,0x9a]
        // SIMD forms too, after a statement that needed a label (llvm-mc: stp q6, q7, [sp, #-32]! = ad bf 1f e6)
        byte[] more = java(a -> a.asm("1: crc32x w0, w1, x2\nb 1b\nstp q6, q7, [sp, #-32]!"));
        int last = (more[8] & 0xff) | (more[9] & 0xff) << 8 | (more[10] & 0xff) << 16 | (more[11] & 0xff) << 24;
        assertEquals(0xadbf1fe6, last);
    }
}
