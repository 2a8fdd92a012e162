package org.capazos.examples.routine;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.module.Module;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * CRC-32 (the IEEE 802.3 polynomial, as zlib and java.util.zip compute it), table-driven, written with the
 * builder: {@code uint32_t crc32(const uint8_t *buf, size_t len)}. The 256-entry table is computed in Java
 * at build time and emitted as data; the routine is what a kernel would use to check a boot module.
 */
public final class Crc32 {
    /** The reflected polynomial. */
    static final int POLY = 0xedb8_8320;

    private Crc32() { }

    /** The table: entry n is the CRC of the byte n. */
    static int[] table() {
        int[] t = new int[256];
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? POLY ^ (c >>> 1) : c >>> 1;
            t[n] = c;
        }
        return t;
    }

    /** A module with the global routine {@code crc32} and its table in .rodata. */
    public static Module build() {
        ModuleBuilder module = new ModuleBuilder("crc32");
        MacroAssembler a = new MacroAssembler(module);
        Label table = new Label("crc32_table").object().size(1024);
        a.rodata();
        a.align(4);
        a.bind(table);
        a.word(table());
        a.text();

        a.leafFunction("crc32", () -> {           // x0 = buf, x1 = len -> w0 = crc
            a.adrl(x9, table);
            a.mov(w10, 0xffff_ffffL);               // crc = ~0
            a.whileLoop(() -> {
                a.cmp(x1, 0);
                return Condition.NE;
            }, () -> {
                a.ldrb(w11, postIndex(x0, 1));
                a.eor(w11, w11, w10);
                a.and(w11, w11, 0xffL);             // (crc ^ byte) & 0xff
                a.ldr(w11, mem(x9, x11, org.capazos.dsl.Shift.LSL, 2));
                a.lsr(w10, w10, 8);
                a.eor(w10, w10, w11);               // crc = table[...] ^ (crc >> 8)
                a.sub(x1, x1, 1);
            });
            a.mvn(w0, w10);                         // ~crc
            a.ret();
        });
        return module.build();
    }
}
