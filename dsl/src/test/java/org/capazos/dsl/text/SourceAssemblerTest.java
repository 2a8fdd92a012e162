package org.capazos.dsl.text;

import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.isa.RelocKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The source assembler on its own (no external tools): what each directive produces, how symbols, local labels
 * and relocation operators end up in the module, and the diagnostics. The byte-for-byte comparison with llvm-mc
 * and the link comparison with ld.lld are in imagegen's tools tests.
 */
class SourceAssemblerTest {
    @TempDir
    Path dir;

    private static Module asm(String text) {
        return SourceAssembler.assembleOrThrow("t.o", "t.s", text);
    }

    private static SourceAssembler.Result result(String text) {
        return SourceAssembler.assemble("t.o", "t.s", text, new SourceAssembler.Options());
    }

    private static byte[] bytes(Module m, String section) {
        return m.section(section).bytes();
    }

    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static long quad(byte[] b, int off) {
        return (word(b, off) & 0xffffffffL) | (long) word(b, off + 4) << 32;
    }

    private static byte[] text(String gnu) {
        ModuleBuilder mb = new ModuleBuilder("j");
        MacroAssembler a = new MacroAssembler(mb);
        a.asm(gnu);
        return mb.build().section(".text").bytes();
    }

    @Test
    void instructionsEncodeLikeTheTextFrontEnd() {
        String code = """
                    mov x2, #0
                1:  ldrb w3, [x0], #1
                    cbz w3, 2f
                    add x2, x2, x3
                    b 1b
                2:  mov x0, x2
                    ret
                    add x0, sp, #16
                    add x1, x2, #1, lsl #12
                    stp x29, x30, [sp, #-32]!
                    ldp x29, x30, [sp], #32
                    ldr x3, [x4, x5, lsl #3]
                    ldr w6, [x7, #8]
                    movk x8, #0xbeef, lsl #16
                    msr vbar_el1, x9
                    mrs x10, currentel
                    msr daifset, #0xf
                    dsb ish
                    isb
                    tlbi vmalle1
                    dc civac, x0
                    csel x0, x1, x2, ne
                    cset w3, eq
                """;
        assertArrayEquals(text(code), bytes(asm(code), ".text"));
    }

    @Test
    void expressionsFollowLlvmMcPrecedenceAndTruth() {
        Module m = asm("""
                .data
                .quad 1 + 2 * 3 | 4          // | binds tighter than +: 1 + (6 | 4) = 7
                .quad 1 + 2 == 3             // comparisons are below + and give -1 for true
                .quad 3 < 4, 4 < 3, 1 && 2, 0 || 3, !5
                .quad -8 >> 1                // logical shift
                .quad 7 ! 1                  // or-not
                .quad 10 % 3 + 'a', 0x10 + 010 + 0b11
                """);
        byte[] b = bytes(m, ".data");
        long[] want = {7, -1, -1, 0, 1, 1, 0, 0x7ffffffffffffffcL, -1, 1 + 'a', 16 + 8 + 3};
        for (int i = 0; i < want.length; i++) assertEquals(want[i], quad(b, 8 * i), "value " + i);
    }

    @Test
    void symbolDifferencesInOneSectionAreNumbers() {
        Module m = asm("""
                .text
                start: nop
                       nop
                end:
                .data
                .word end - start, (end - start) / 4
                .word later - start
                .text
                later: nop
                """);
        byte[] b = bytes(m, ".data");
        assertEquals(8, word(b, 0));
        assertEquals(2, word(b, 4));
        assertEquals(8, word(b, 8));
        assertTrue(m.section(".data").relocations().isEmpty());
    }

    @Test
    void localAndGlobalAndUndefinedReferencesBecomeTheRightRelocations() {
        Module m = asm("""
                .text
                .globl g
                g:  b l            // local, same section: resolved
                    b g            // global: a relocation against g (it could be preempted)
                    bl ext + 8     // undefined
                l:  adrp x0, d     // local in another section: against the section
                    add x0, x0, :lo12:d + 4
                .data
                .quad 0
                d:  .quad l
                """);
        List<Relocation> r = m.section(".text").relocations();
        assertEquals(4, r.size(), r.toString());
        assertEquals(new Relocation(4, RelocKind.JUMP26, "g", 0, "t.s:4"), r.get(0));
        assertEquals(new Relocation(8, RelocKind.CALL26, "ext", 8, "t.s:5"), r.get(1));
        assertEquals(RelocKind.ADR_PREL_PG_HI21, r.get(2).kind());
        assertEquals(".data", r.get(2).symbol());
        assertEquals(8, r.get(2).addend());
        assertEquals(RelocKind.ADD_ABS_LO12_NC, r.get(3).kind());
        assertEquals(12, r.get(3).addend());
        assertEquals(0x14000003, word(bytes(m, ".text"), 0)); // b l: +12 bytes
        Relocation q = m.section(".data").relocations().get(0);
        assertEquals(new Relocation(8, RelocKind.ABS64, ".text", 12, "t.s:10"), q);
        ModuleSymbol ext = m.symbol("ext");
        assertNull(ext.section());
        assertEquals(ModuleSymbol.Binding.GLOBAL, ext.binding());
        assertEquals(ModuleSymbol.Binding.LOCAL, m.symbol("l").binding());
        assertEquals(ModuleSymbol.Binding.GLOBAL, m.symbol("g").binding());
    }

    @Test
    void movwAndLo12OperatorsPickTheirRelocations() {
        Module m = asm("""
                movz x1, #:abs_g3:sym
                movk x1, #:abs_g2_nc:sym
                movk x1, #:abs_g1_nc:sym
                movk x1, #:abs_g0_nc:sym
                movz x2, #:abs_g0:sym
                movz x2, #:abs_g1:sym
                movz x2, #:abs_g2:sym
                movz w3, #:abs_g0_nc:sym
                adrp x4, :pg_hi21:sym
                adrp x4, :pg_hi21_nc:sym
                ldrb w5, [x4, :lo12:sym]
                ldrh w5, [x4, #:lo12:sym]
                ldr w5, [x4, :lo12:sym]
                ldr x5, [x4, :lo12:sym]
                str x5, [x4, :lo12:sym]
                movz x6, #:abs_g1:0x12345678   // absolute: no relocation
                """);
        List<RelocKind> kinds = m.section(".text").relocations().stream().map(Relocation::kind).toList();
        assertEquals(List.of(RelocKind.MOVW_UABS_G3, RelocKind.MOVW_UABS_G2_NC, RelocKind.MOVW_UABS_G1_NC,
                RelocKind.MOVW_UABS_G0_NC, RelocKind.MOVW_UABS_G0, RelocKind.MOVW_UABS_G1, RelocKind.MOVW_UABS_G2,
                RelocKind.MOVW_UABS_G0_NC, RelocKind.ADR_PREL_PG_HI21, RelocKind.ADR_PREL_PG_HI21_NC,
                RelocKind.LDST8_ABS_LO12_NC, RelocKind.LDST16_ABS_LO12_NC, RelocKind.LDST32_ABS_LO12_NC,
                RelocKind.LDST64_ABS_LO12_NC, RelocKind.LDST64_ABS_LO12_NC), kinds);
        byte[] b = bytes(m, ".text");
        assertEquals(0xd2e00001, word(b, 0));  // movz x1, #0, lsl #48: the group sets the shift
        assertEquals(0xd2a00002, word(b, 20)); // movz x2, #0, lsl #16
        assertEquals(0xd2a24686, word(b, 60)); // movz x6, #0x1234, lsl #16
    }

    @Test
    void literalLoadsUseMovzWhenTheyCanAndAPoolOtherwise() {
        Module m = asm("""
                ldr x0, =0x1234              // movz
                ldr x1, =0x12340000          // movz, lsl #16
                ldr x2, =0x123456789         // pool, 8 bytes
                ldr w3, =0x12345             // pool, 4 bytes
                ldr x4, =0x123456789         // the same entry again
                ldr x5, =sym + 4             // an ABS64 entry
                .ltorg
                nop
                """);
        byte[] b = bytes(m, ".text");
        assertEquals(0xd2824680, word(b, 0));
        assertEquals(0xd2a24681, word(b, 4));
        // entries from 0x18: 0x123456789 at 0x18, 0x12345 at 0x20, (pad) sym+4 at 0x28, then the nop at 0x30
        assertEquals(0x123456789L, quad(b, 0x18));
        assertEquals(0x12345, word(b, 0x20));
        assertEquals(0x58000000 | ((0x18 - 8) / 4) << 5 | 2, word(b, 8));
        assertEquals(0x58000000 | ((0x18 - 16) / 4) << 5 | 4, word(b, 16));
        assertEquals(0xd503201f, word(b, 0x30));
        assertEquals(List.of(new Relocation(0x28, RelocKind.ABS64, "sym", 4, "t.s:6")), m.section(".text").relocations());
        assertEquals(8, m.section(".text").alignment());
    }

    @Test
    void poolsWithoutLtorgGoToTheEndOfTheirSection() {
        Module m = asm("""
                ldr x0, =0x1122334455667788
                ret
                .section .text.other, "ax"
                ldr x1, =0x8877665544332211
                """);
        assertEquals(16, m.section(".text").size());
        assertEquals(0x1122334455667788L, quad(bytes(m, ".text"), 8));
        assertEquals(0x8877665544332211L, quad(bytes(m, ".text.other"), 8));
    }

    @Test
    void sectionFlagsComeFromTheFlagsStringOrTheName() {
        Module m = asm("""
                .section .text.boot, "ax", %progbits
                nop
                .section .rodata.x
                .byte 1
                .section .data.y
                .byte 2
                .section .bss.z
                .zero 8
                .section .mine, "aw", @nobits
                .skip 4
                .section .note.GNU-stack, "", %progbits
                """);
        assertEquals(ModuleSection.ALLOC | ModuleSection.EXEC, m.section(".text.boot").flags());
        assertEquals(ModuleSection.ALLOC, m.section(".rodata.x").flags());
        assertEquals(ModuleSection.ALLOC | ModuleSection.WRITE, m.section(".data.y").flags());
        assertTrue(m.section(".bss.z").nobits());
        assertTrue(m.section(".mine").nobits());
        assertEquals(4, m.section(".mine").size());
        assertNull(m.section(".note.GNU-stack"), "an empty non-allocatable section is left out");
    }

    @Test
    void macrosRepetitionsAndConditionals() {
        Module m = asm("""
                .macro pair a, b=7, rest:vararg
                .byte \\a, \\b
                .ifnb \\rest
                pair \\rest
                .endif
                .endm
                .macro uniq
                lbl_\\@: .byte 0xee
                .endm
                .data
                pair 1
                pair 2, 3, 4, 5, 6
                pair b=9, a=8
                uniq
                uniq
                .rept 2
                .irp x, 10, 11
                .byte \\x
                .endr
                .endr
                .irpc c, 12
                .byte \\c
                .endr
                .if 0
                .byte 0xff
                .elseif 1
                .byte 0xaa
                .else
                .byte 0xbb
                .endif
                """);
        assertArrayEquals(new byte[] {1, 7, 2, 3, 4, 5, 6, 7, 8, 9, (byte) 0xee, (byte) 0xee, 10, 11, 10, 11, 1, 2,
                (byte) 0xaa}, bytes(m, ".data"));
        assertEquals(10, m.symbol("lbl_5").value());
        assertEquals(11, m.symbol("lbl_6").value());
    }

    @Test
    void localLabelsInMacrosAreFreshEachTime() {
        byte[] b = bytes(asm("""
                .macro wait
                1: subs x0, x0, #1
                   b.ne 1b
                .endm
                wait
                wait
                """), ".text");
        assertEquals(16, b.length);
        assertEquals(word(b, 4), word(b, 12)); // both branch back by one instruction
        assertEquals(0x54ffffe1, word(b, 4));
    }

    @Test
    void symbolTypesSizesAndAssignments() {
        Module m = asm("""
                .globl f, CONST
                .type f, %function
                f: nop
                   ret
                .size f, . - f
                .type obj, @object
                .data
                obj: .quad 1
                .size obj, 8
                .equ CONST, 0x42
                .set alias, obj + 4
                .L_hidden: .byte 0
                """);
        ModuleSymbol f = m.symbol("f");
        assertEquals(ModuleSymbol.Type.FUNC, f.type());
        assertEquals(8, f.size());
        assertEquals(ModuleSymbol.Type.OBJECT, m.symbol("obj").type());
        assertEquals(new ModuleSymbol("CONST", ModuleSymbol.ABSOLUTE, 0x42, 0, ModuleSymbol.Binding.GLOBAL,
                ModuleSymbol.Type.NOTYPE), m.symbol("CONST"));
        assertEquals(".data", m.symbol("alias").section());
        assertEquals(4, m.symbol("alias").value());
        assertNull(m.symbol(".L_hidden"), ".L symbols stay out of the symbol table");
    }

    @Test
    void stringsKeepTheirBytes() {
        Module m = asm(".data\n.ascii \"\u00e9\\303\\251\\x41\"\n.asciz \"\u20ac\"\n");
        // characters up to U+00FF are bytes (a file is read as ISO-8859-1); beyond, a Java string's text is UTF-8
        assertArrayEquals(new byte[] {(byte) 0xe9, (byte) 0xc3, (byte) 0xa9, 0x41, (byte) 0xe2, (byte) 0x82,
                (byte) 0xac, 0}, bytes(m, ".data"));
    }

    @Test
    void includeSearchesTheIncludingFilesDirectoryAndMinusI() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve("inc"));
        Files.writeString(dir.resolve("sub/near.inc"), ".byte 1\n.include \"far.inc\"\n");
        Files.writeString(dir.resolve("inc/far.inc"), ".byte 2\n");
        Files.writeString(dir.resolve("main.s"), ".data\n.include \"sub/near.inc\"\n.byte 3\n");
        SourceAssembler.Result r = SourceAssembler.assembleFile(dir.resolve("main.s"),
                new SourceAssembler.Options().include(dir.resolve("inc")));
        assertTrue(r.ok(), r.diagnostics().toString());
        assertArrayEquals(new byte[] {1, 2, 3}, r.module().section(".data").bytes());
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    private static List<SourceError> errors(String text) {
        SourceAssembler.Result r = result(text);
        assertFalse(r.ok(), "expected errors");
        assertNull(r.module());
        return r.errors();
    }

    @Test
    void everyErrorIsReportedWithLineAndColumn() {
        List<SourceError> e = errors("""
                    nop
                    add x0, x1, #5000
                    mov x0, w1
                    .byte 300
                    frob x1
                    b .Lnowhere
                """);
        assertEquals(5, e.size(), e.toString());
        assertEquals("t.s:2:17: error: add: operand imm = 5000 (0x1388) cannot be encoded: must be 0..4095, or a "
                + "multiple of 4096 up to 0xfff000 (encoded with lsl #12)", e.get(0).toString());
        assertEquals(3, e.get(1).line());
        assertEquals(13, e.get(1).column());
        assertEquals("invalid operand for instruction", e.get(1).message());
        assertEquals("t.s:4:11: error: out of range literal value: 300 (0x12c) does not fit 1 byte", e.get(2).toString());
        assertEquals("t.s:5:5: error: unrecognized instruction mnemonic 'frob'", e.get(3).toString());
        assertEquals("t.s:6:7: error: undefined symbol '.Lnowhere'", e.get(4).toString());
        assertEquals("""
                t.s:2:17: error: add: operand imm = 5000 (0x1388) cannot be encoded: must be 0..4095, or a multiple \
                of 4096 up to 0xfff000 (encoded with lsl #12)
                    add x0, x1, #5000
                                ^
                """, e.get(0).format());
    }

    @Test
    void errorsInMacrosNameTheBodyLineAndTheInstantiation() {
        List<SourceError> e = errors("""
                .macro bump r, n
                add \\r, \\r, #\\n
                .endm
                bump x0, 1
                bump x1, 9999
                """);
        assertEquals(1, e.size());
        assertEquals("t.s:2:13: error: add: operand imm = 9999 (0x270f) cannot be encoded: must be 0..4095, or a "
                + "multiple of 4096 up to 0xfff000 (encoded with lsl #12)", e.get(0).toString());
        assertEquals("add x1, x1, #9999", e.get(0).source());
        assertEquals("t.s:5:1: note: while in macro instantiation", e.get(0).notes().get(0).toString());
    }

    @Test
    void unterminatedConstructsAreErrorsAtTheirStart() {
        assertEquals("t.s:2:1: error: no matching .endm for .macro 'm' (unterminated macro)",
                errors("nop\n.macro m\nnop\n").get(0).toString());
        assertEquals("t.s:1:1: error: no matching .endif for this conditional", errors(".if 1\nnop\n").get(0).toString());
        assertEquals("t.s:1:1: error: no matching .endr for this repetition", errors(".rept 2\nnop\n").get(0).toString());
        assertEquals("t.s:1:1: error: .endif without a matching .if", errors(".endif\n").get(0).toString());
    }

    @Test
    void aBadOpeningLineDoesNotCascade() {
        List<SourceError> e = errors("""
                .if NOT_DEFINED
                nop
                .else
                nop
                .endif
                .rept -1
                bogus instruction
                .endr
                .macro
                more bogus
                .endm
                .byte ';', 1
                """);
        assertEquals(3, e.size(), e.toString());
        assertEquals(1, e.get(0).line());
        assertEquals(6, e.get(1).line());
        assertEquals(9, e.get(2).line());
    }

    @Test
    void undefinedSymbolsWhereANumberIsNeeded() {
        List<SourceError> e = errors("""
                mov x0, #NOPE
                .skip later - 4
                cbz x0, 3f
                later:
                """);
        assertEquals("t.s:1:10: error: expected an absolute expression, but symbol 'NOPE' is not defined at this "
                + "point", e.get(0).toString());
        assertEquals("t.s:2:7: error: expected an absolute expression, but symbol 'later' is not defined at this "
                + "point", e.get(1).toString());
        assertEquals("t.s:3:9: error: local label '3f' refers to no later '3:'", e.get(2).toString());
    }

    @Test
    void missingIncludeNamesTheFile() {
        List<SourceError> e = errors("nop\n.include \"nowhere.inc\"\nnop\n");
        assertEquals(1, e.size());
        assertEquals(2, e.get(0).line());
        assertEquals(10, e.get(0).column());
        assertTrue(e.get(0).message().startsWith("could not find include file 'nowhere.inc'"), e.get(0).message());
    }

    @Test
    void outOfRangeBranchesAndDuplicateLabels() {
        List<SourceError> e = errors("""
                x: nop
                x: nop
                tbz x0, #1, far
                .skip 40000
                far: nop
                """);
        assertEquals("t.s:2:1: error: symbol 'x' is already defined (at t.s:1)", e.get(0).toString());
        assertEquals(3, e.get(1).line());
        assertTrue(e.get(1).message().startsWith("fixup out of range"), e.get(1).message());
    }
}
