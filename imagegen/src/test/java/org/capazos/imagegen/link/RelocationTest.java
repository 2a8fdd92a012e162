package org.capazos.imagegen.link;

import org.capazos.dsl.Label;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.module.Module;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.RawAssembler;
import org.capazos.imagegen.script.Parser;
import org.capazos.isa.RelocKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every relocation kind, applied by the linker at P = 0x10000 against a symbol {@code t} given as a defsym:
 * the patched word is checked against hand-computed encodings, and each range, alignment and width check
 * is an error naming the site, the symbol and the reason.
 */
class RelocationTest {
    static final long P = 0x10000;
    static final String SCRIPT = "SECTIONS { .text 0x10000 : { *(.text) } .data : { *(.data) } }";

    private static LinkedImage linkOne(RelocKind kind, int word, long target, long addend) {
        ModuleBuilder mb = new ModuleBuilder("m");
        RawAssembler a = new RawAssembler(mb.section(kind.isInstruction() ? ".text" : ".data",
                kind.isInstruction() ? Section.Kind.CODE : Section.Kind.DATA));
        if (kind.isInstruction()) a.inst(word, Label.external("t"), addend, kind);
        else a.data(Label.external("t"), addend, kind);
        String script = kind.isInstruction() ? SCRIPT : "SECTIONS { .data 0x10000 : { *(.data) } }";
        return new Linker(Parser.parse("r.ld", script)).defsym("t", target).link("r", List.of(mb.build()));
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s.startsWith("0x") ? s.substring(2) : s, 16);
    }

    private static long patched(RelocKind kind, int word, long target) {
        byte[] b = linkOne(kind, word, target, 0).sections().get(0).bytes();
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return v;
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @CsvSource(textBlock = """
            CALL26,              0x94000000, 0x10100,            0x94000040
            CALL26,              0x94000000, 0xfff0,             0x97fffffc
            JUMP26,              0x14000000, 0x10100,            0x14000040
            CONDBR19,            0x54000000, 0x10100,            0x54000800
            CONDBR19,            0xb4000001, 0xfffc,             0xb4ffffe1
            TSTBR14,             0x36180000, 0x10100,            0x36180800
            LD_PREL_LO19,        0x58000000, 0x10100,            0x58000800
            ADR_PREL_LO21,       0x10000000, 0x11235,            0x300091a0
            ADR_PREL_PG_HI21,    0x90000000, 0x12345678,         0xb00919a0
            ADR_PREL_PG_HI21_NC, 0x90000000, 0x12345678,         0xb00919a0
            ADD_ABS_LO12_NC,     0x91000000, 0x12345678,         0x9119e000
            LDST8_ABS_LO12_NC,   0x39400000, 0x12345679,         0x3959e400
            LDST16_ABS_LO12_NC,  0x79400000, 0x1234567a,         0x794cf400
            LDST32_ABS_LO12_NC,  0xb9400000, 0x1234567c,         0xb9467c00
            LDST64_ABS_LO12_NC,  0xf9400000, 0x12345678,         0xf9433c00
            LDST128_ABS_LO12_NC, 0x3dc00000, 0x12345670,         0x3dc19c00
            MOVW_UABS_G0,        0xd2800000, 0x1234,             0xd2824680
            MOVW_UABS_G0_NC,     0xd2800000, 0x12345678,         0xd28acf00
            MOVW_UABS_G1,        0xd2a00000, 0x12345678,         0xd2a24680
            MOVW_UABS_G1_NC,     0xd2a00000, 0xabcd12345678,     0xd2a24680
            MOVW_UABS_G2,        0xd2c00000, 0x123400000000,     0xd2c24680
            MOVW_UABS_G2_NC,     0xd2c00000, 0xffff123400000000, 0xd2c24680
            MOVW_UABS_G3,        0xd2e00000, 0x1234000000000000, 0xd2e24680
            ABS64,               0,          0xffff000040100000, 0xffff000040100000
            ABS32,               0,          0x12345678,         0x12345678
            ABS16,               0,          0xffff,             0xffff
            PREL64,              0,          0xffff000000010000, 0xffff000000000000
            PREL32,              0,          0x10100,            0x100
            PREL32,              0,          0xff00,             0xffffff00
            PREL16,              0,          0xfffe,             0xfffe
            """)
    void everyKindIsAppliedAsTheArchitectureSays(RelocKind kind, String word, String target, String expected) {
        assertEquals(Long.toHexString(hex(expected)),
                Long.toHexString(patched(kind, (int) hex(word),
                        hex(target))));
    }

    @ParameterizedTest(name = "{0} at {2}")
    @CsvSource(textBlock = """
            CALL26,             0x94000000, 0x8010000,          out of range
            CALL26,             0x94000000, 0x10002,            not a multiple of 4
            JUMP26,             0x14000000, 0xfffffffff800fffc, out of range
            CONDBR19,           0x54000000, 0x110000,           out of range
            TSTBR14,            0x36000000, 0x18000,            out of range
            LD_PREL_LO19,       0x58000000, 0x110000,           out of range
            ADR_PREL_LO21,      0x10000000, 0x110000,           out of range
            ADR_PREL_PG_HI21,   0x90000000, 0x100010000,        out of range
            LDST16_ABS_LO12_NC, 0x79400000, 0x12345679,         not 2-byte aligned
            LDST32_ABS_LO12_NC, 0xb9400000, 0x1234567a,         not 4-byte aligned
            LDST64_ABS_LO12_NC, 0xf9400000, 0x1234567c,         not 8-byte aligned
            LDST128_ABS_LO12_NC,0x3dc00000, 0x12345678,         not 16-byte aligned
            MOVW_UABS_G0,       0xd2800000, 0x10000,            does not fit 16 bits
            MOVW_UABS_G1,       0xd2a00000, 0x100000000,        does not fit 32 bits
            MOVW_UABS_G2,       0xd2c00000, 0x1000000000000,    does not fit 48 bits
            ABS32,              0,          0x100000000,        does not fit 32 bits
            ABS16,              0,          0x10000,            does not fit 16 bits
            PREL32,             0,          0x100010000,        does not fit 32 bits
            PREL16,             0,          0x20000,            does not fit 16 bits
            """)
    void overflowsNameTheSiteTheSymbolAndTheReason(RelocKind kind, String word, String target, String reason) {
        LinkException e = assertThrows(LinkException.class, () -> linkOne(kind,
                (int) hex(word), hex(target), 0));
        String m = e.getMessage();
        assertTrue(m.startsWith("RawAssembler.java:"), "the Java site the DSL recorded: " + m);
        assertTrue(m.contains("m:.") && m.contains("+0x0"), "module position: " + m);
        assertTrue(m.contains("R_AARCH64_" + kind), "kind: " + m);
        assertTrue(m.contains("symbol 't'"), "symbol: " + m);
        assertTrue(m.contains(reason), "reason: " + m);
    }

    @Test
    void addendsAndSectionRelativeReferencesAcrossSections() {
        ModuleBuilder mb = new ModuleBuilder("m");
        RawAssembler a = new RawAssembler(mb.section(".text", Section.Kind.CODE));
        Label inData = new Label(); // anonymous: relocations against the .data section symbol + offset
        a.nop();
        a.adr(x0, inData);
        a.switchTo(mb.section(".data", Section.Kind.DATA));
        a.quad(1);
        a.bind(inData);
        a.quad(inData, 8);
        Module m = mb.build();
        assertEquals(".data", m.section(".text").relocations().get(0).symbol());
        LinkedImage img = new Linker(Parser.parse("r.ld", SCRIPT)).link("r", List.of(m));
        long data = img.section(".data").orElseThrow().vma();
        assertEquals(0x10008, data, ".data follows .text (8 bytes)");
        byte[] d = img.section(".data").orElseThrow().bytes();
        long q = 0;
        for (int i = 15; i >= 8; i--) q = q << 8 | (d[i] & 0xff);
        assertEquals(data + 8 + 8, q);
        byte[] t = img.section(".text").orElseThrow().bytes();
        int adr = (t[4] & 0xff) | (t[5] & 0xff) << 8 | (t[6] & 0xff) << 16 | (t[7] & 0xff) << 24;
        long dist = (data + 8) - (0x10004);
        assertEquals(0x10000000 | (int) (dist & 3) << 29 | (int) (dist >> 2) << 5, adr);
    }

    @Test
    void relocationsAgainstAbsoluteAndNobitsAreHandled() {
        ModuleBuilder mb = new ModuleBuilder("m");
        RawAssembler a = new RawAssembler(mb.section(".text", Section.Kind.CODE));
        Label buf = new Label("buf").global();
        a.adr(x0, buf);
        a.switchTo(mb.section(".bss", Section.Kind.BSS));
        a.space(64);
        a.bind(buf);
        LinkedImage img = new Linker(Parser.parse("r.ld", "SECTIONS { .text 0x10000 : { *(.text) } .bss : { *(.bss) } }"))
                .link("r", List.of(mb.build()));
        assertEquals(0x10004 + 64, img.symbolValue("buf"));
        assertTrue(img.section(".bss").orElseThrow().nobits());
        assertEquals(0, img.section(".bss").orElseThrow().bytes().length);
    }
}
