package org.capazos.dsl;

import org.junit.jupiter.api.Test;

import static org.capazos.dsl.MacroAssembler.addressOf;
import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Literal pools and branch relaxation, checked on the bytes: every branch is followed (decoded) to where it
 * lands, and every literal load to the quad it reads. The emulator tests run the same shapes.
 */
class PoolsAndVeneersTest {
    private final ModuleBuilder mb = new ModuleBuilder("t");
    private final MacroAssembler a = new MacroAssembler(mb);
    private final Disassembler dis = new Disassembler();

    private byte[] bytes() {
        return mb.build().section(".text").bytes();
    }

    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static long quad(byte[] b, int off) {
        return (word(b, off) & 0xffffffffL) | (long) word(b, off + 4) << 32;
    }

    /** Where the branch at {@code pc} goes, read back through the disassembler's text. */
    private long target(byte[] b, int pc) {
        String t = dis.disassemble(word(b, pc), pc);
        return Long.decode(t.substring(t.lastIndexOf(' ') + 1));
    }

    /** Follows unconditional branches from {@code pc} (veneers) to the final destination. */
    private long follow(byte[] b, long pc) {
        while (dis.disassemble(word(b, (int) pc), pc).startsWith("b 0x")) pc = target(b, (int) pc);
        return pc;
    }

    @Test
    void farBackwardConditionalBranchBecomesInvertedBranchOverB() {
        Label top = a.here();
        a.nop();
        a.space(2 << 20);
        int at = a.position();
        a.b(Condition.EQ, top);
        byte[] b = bytes();
        assertEquals("b.ne 0x" + Integer.toHexString(at + 8), dis.disassemble(word(b, at), at));
        assertEquals(0, target(b, at + 4));
    }

    @Test
    void forwardBranchJustInsideRangeNeedsNoVeneer() {
        // A veneer must be placed while it can still be reached, so a label bound in the very last word of the
        // range gets one too; one bound a word earlier does not.
        Label end = new Label();
        a.cbz(x0, end);
        int limit = (1 << 20) - 4, veneerRoom = 4; // room for the veneer itself
        for (int i = 1; i < (limit - veneerRoom) / 4; i++) a.nop();
        a.bind(end);
        a.ret();
        byte[] b = bytes();
        assertEquals(limit - veneerRoom, target(b, 0));
        assertEquals(limit - veneerRoom + 4, b.length);
    }

    @Test
    void forwardBranchAtTheExactLimitStillArrives() {
        Label end = new Label();
        a.cbz(x0, end);
        for (int i = 1; i < ((1 << 20) - 4) / 4; i++) a.nop();
        a.bind(end);
        a.ret();
        byte[] b = bytes();
        assertEquals(b.length - 4, follow(b, target(b, 0)));
    }

    @Test
    void forwardBranchesPastTheirRangeGetVeneers() {
        Label end = new Label(), near = new Label();
        a.cbnz(w3, end);                      // 19-bit: +-1 MiB
        a.tbz(x4, 40, end);                   // 14-bit: +-32 KiB
        a.tbnz(w5, 3, near);
        for (int i = 0; i < 100; i++) a.nop();
        a.bind(near);
        for (int i = 0; i < (3 << 20) / 4; i++) a.nop();
        a.bind(end);
        a.ret();
        byte[] b = bytes();
        long endAt = b.length - 4;
        assertEquals(endAt, follow(b, target(b, 0)), "cbnz reaches end through a veneer");
        assertEquals(endAt, follow(b, target(b, 4)), "tbz reaches end through a veneer");
        assertNotEquals(endAt, target(b, 4), "tbz cannot reach end directly");
        assertEquals(8 + 4 + 100 * 4, target(b, 8), "tbnz to a near label stays direct");
        assertTrue(dis.disassemble(word(b, (int) target(b, 4)), target(b, 4)).startsWith("b 0x"));
    }

    @Test
    void literalsAreSharedAndPlacedBeforeTheyGoOutOfRange() {
        long value = 0x1234_5678_9abc_def0L;
        a.ldr(x0, value);
        a.ldr(x1, value);                     // the same entry
        a.ldr(x2, 42L);
        for (int i = 0; i < (3 << 20) / 4; i++) a.nop();
        a.ret();
        byte[] b = bytes();
        long e0 = target(b, 0), e1 = target(b, 4), e2 = target(b, 8);
        assertEquals(e0, e1);
        assertEquals(value, quad(b, (int) e0));
        assertEquals(42L, quad(b, (int) e2));
        assertTrue(e0 < (1 << 20), "pool within range of the first load");
        assertEquals(0, e0 % 8);
        // the code before the pool branches over it, to the next nop
        int branchAt = (int) (e0 - (e0 % 8 == 0 && word(b, (int) e0 - 4) == 0 ? 8 : 4));
        long after = target(b, branchAt);
        assertEquals(0xd503201f, word(b, (int) after));
    }

    @Test
    void functionEndsCarryTheirPool() {
        Label ext = Label.external("somewhere");
        a.function("f", new XReg[0], 0, () -> {
            a.ldr(x0, addressOf(ext));
            a.leave();
        });
        var m = mb.build();
        var text = m.section(".text");
        assertEquals(1, text.relocations().size());
        assertEquals("somewhere", text.relocations().get(0).symbol());
        assertEquals(org.capazos.isa.RelocKind.ABS64, text.relocations().get(0).kind());
    }
}
