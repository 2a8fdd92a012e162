package org.capazos.dsl;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.isa.RelocKind;
import org.junit.jupiter.api.Test;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

class LabelsAndErrorsTest {
    private final ModuleBuilder mb = new ModuleBuilder("t");
    private final MacroAssembler a = new MacroAssembler(mb);

    private int word(int offset) {
        byte[] b = mb.build().section(".text").bytes();
        return (b[offset] & 0xff) | (b[offset + 1] & 0xff) << 8 | (b[offset + 2] & 0xff) << 16 | (b[offset + 3] & 0xff) << 24;
    }

    @Test
    void forwardAndBackwardBranchesAreFixedUp() {
        Label back = a.here();
        a.nop();
        Label fwd = new Label();
        a.b(Condition.NE, fwd);      // at 4, to 16: +12
        a.cbz(x3, back);             // at 8, to 0: -8
        a.nop();
        a.bind(fwd);
        a.b(back);                   // at 16, to 0: -16
        assertEquals(0x54000000 | (12 / 4) << 5 | Condition.NE.code(), word(4));
        assertEquals(0xb4000000 | ((-8 / 4) & 0x7ffff) << 5 | 3, word(8));
        assertEquals(0x14000000 | ((-16 / 4) & 0x3ffffff), word(16));
    }

    @Test
    void branchOutOfRangeNamesLabelDistanceAndLimit() {
        // the raw assembler: one instruction or an error (the macro assembler would place a veneer)
        Assembler a = new Assembler(mb.section(".text", Section.Kind.CODE));
        Label far = new Label("far");
        a.b(Condition.EQ, far);
        a.space(1 << 20);            // exactly 1 MiB past the branch: one beyond the limit
        EncodingException e = assertThrows(EncodingException.class, () -> a.bind(far));
        assertTrue(e.getMessage().contains("CONDBR19"), e.getMessage());
        assertTrue(e.getMessage().contains("far"), e.getMessage());
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        assertTrue(e.getMessage().contains("LabelsAndErrorsTest.java"), e.getMessage());
    }

    @Test
    void branchJustInsideRangeIsEncoded() {
        Assembler a = new Assembler(mb.section(".text", Section.Kind.CODE));
        Label far = new Label("far");
        a.b(Condition.EQ, far);
        a.space((1 << 20) - 4 - 4);  // target at +1 MiB - 4: the largest forward distance
        a.bind(far);
        a.nop();
        assertEquals(0x54000000 | 0x3ffff << 5, word(0));
    }

    @Test
    void operandErrorsNameInstructionOperandRuleAndCaller() {
        EncodingException e = assertThrows(EncodingException.class, () -> a.add(x0, x1, 5000));
        String m = e.getMessage();
        assertTrue(m.startsWith("add: operand imm = 5000"), m);
        assertTrue(m.contains("0..4095"), m);
        assertTrue(m.contains("LabelsAndErrorsTest.java:"), m);
        assertThrows(EncodingException.class, () -> a.and(x0, x1, 0L));        // not a bitmask immediate
        assertThrows(EncodingException.class, () -> a.ldr(x0, mem(x1, 40001))); // neither scaled nor 9-bit
    }

    @Test
    void unboundAnonymousLabelIsAnErrorNamingTheUse() {
        a.b(new Label());
        EncodingException e = assertThrows(EncodingException.class, mb::build);
        assertTrue(e.getMessage().contains("never bound"), e.getMessage());
        assertTrue(e.getMessage().contains("LabelsAndErrorsTest.java:"), e.getMessage());
    }

    @Test
    void unboundNamedLabelBecomesAnExternalWithARelocation() {
        a.bl(Label.external("kmain"));
        Module m = mb.build();
        Relocation r = m.section(".text").relocations().get(0);
        assertEquals(RelocKind.CALL26, r.kind());
        assertEquals("kmain", r.symbol());
        ModuleSymbol s = m.symbol("kmain");
        assertFalse(s.isDefined());
    }

    @Test
    void referenceAcrossSectionsIsARelocation() {
        Label msg = a.cstring("hi");
        a.adrl(x0, msg);
        Module m = mb.build();
        assertEquals(2, m.section(".text").relocations().size());
        assertEquals(".rodata", m.section(".text").relocations().get(0).symbol());
    }

    @Test
    void duplicateSymbolIsAnError() {
        a.bind(new Label("x"));
        EncodingException e = assertThrows(EncodingException.class, () -> a.bind(new Label("x")));
        assertTrue(e.getMessage().contains("defined twice"), e.getMessage());
    }
}
