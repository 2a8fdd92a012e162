package org.capazos.dsl;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Struct layouts: C's natural alignment, nested structs and arrays, field operands, initialised instances. */
class StructTest {
    static final Struct RANGE = Struct.named("range").u64("base").u64("size").build();
    static final Struct INFO = Struct.named("info").u32("magic").u8("flag").u64("pa").struct("r", RANGE, 2)
            .u16("tail").build();

    @Test
    void offsetsAndSizeAsACompilerLaysThemOut() {
        // struct info { uint32_t magic; uint8_t flag; uint64_t pa; struct range r[2]; uint16_t tail; }
        assertEquals(0, INFO.offset("magic"));
        assertEquals(4, INFO.offset("flag"));
        assertEquals(8, INFO.offset("pa"));
        assertEquals(16, INFO.offset("r"));
        assertEquals(16 + 8, INFO.offset("r.size"));
        assertEquals(48, INFO.offset("tail"));
        assertEquals(56, INFO.size());
        assertEquals(8, INFO.alignment());
    }

    @Test
    void fieldOperandsAndInstances() {
        ModuleBuilder mb = new ModuleBuilder("s");
        MacroAssembler a = new MacroAssembler(mb);
        a.ldr(x1, INFO.at(x0, "pa"));                       // ldr x1, [x0, #8]
        assertEquals("ldr x1, [x0, #8]", new Disassembler().disassemble(mb.build().section(".text").bytes()[0] & 0xff
                | (mb.build().section(".text").bytes()[1] & 0xff) << 8 | (mb.build().section(".text").bytes()[2] & 0xff) << 16
                | (mb.build().section(".text").bytes()[3] & 0xff) << 24, 0));
        a.data();
        a.byte_(1);
        a.instance(INFO, Map.of("magic", 0xcafeL, "pa", 0x4000_0000L, "tail", 7L));
        byte[] d = mb.build().section(".data").bytes();
        assertEquals(8 + 56, d.length, "aligned to 8 after the first byte");
        assertEquals((byte) 0xfe, d[8]);
        assertEquals((byte) 0xca, d[9]);
        assertEquals(0x40, d[8 + 8 + 3]);
        assertEquals(7, d[8 + 48]);
        assertThrows(EncodingException.class, () -> INFO.offset("nope"));
        assertThrows(EncodingException.class, () -> INFO.at(x0, "r", 2));
    }
}
