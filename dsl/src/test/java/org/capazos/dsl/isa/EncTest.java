package org.capazos.dsl.isa;

import org.capazos.dsl.Enc;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operand encoders that compute rather than check, against the architecture's own decoding: every
 * (N, immr, imms) that DecodeBitMasks accepts round-trips through {@link Enc#bitmask64} / {@link Enc#bitmask32},
 * and random values the encoders accept decode back to themselves; movz/movn agree with a chunk-by-chunk search.
 */
class EncTest {

    /** The Arm ARM's DecodeBitMasks (the wmask of a logical immediate), or null if the fields are reserved. */
    static Long decodeBitMask(int n, int immr, int imms, int regBits) {
        int combined = n << 6 | (~imms & 0x3f);
        if (combined == 0) return null;
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1 || (regBits == 32 && n == 1)) return null;
        int esize = 1 << len, levels = esize - 1;
        int s = imms & levels, r = immr & levels;
        if (s == levels) return null;
        long welem = (1L << (s + 1)) - 1;
        long emask = esize == 64 ? -1L : (1L << esize) - 1;
        long elem = r == 0 ? welem : ((welem >>> r) | (welem << (esize - r))) & emask;
        long v = 0;
        for (int k = 0; k < 64; k += esize) v |= elem << k;
        return regBits == 32 ? v & 0xffffffffL : v;
    }

    @Test
    void everyLogicalImmediateRoundTrips() {
        for (int regBits : new int[] {64, 32}) {
            Set<Long> values = new HashSet<>();
            for (int n = 0; n <= 1; n++)
                for (int immr = 0; immr < (regBits == 64 ? 64 : 32); immr++)
                    for (int imms = 0; imms < 64; imms++) {
                        Long v = decodeBitMask(n, immr, imms, regBits);
                        if (v == null) continue;
                        int enc = regBits == 64 ? Enc.bitmask64(v) : Enc.bitmask32(v);
                        assertTrue(enc >= 0, () -> String.format("0x%x not encoded", v));
                        Long back = decodeBitMask(enc >>> 12, (enc >>> 6) & 63, enc & 63, regBits);
                        assertEquals(v, back, () -> String.format("0x%x encoded as %x", v, enc));
                        values.add(v);
                    }
            assertEquals(regBits == 64 ? 5334 : 1302, values.size());
        }
    }

    @Test
    void randomValuesAreEncodedOnlyIfTheyDecodeBack() {
        SplittableRandom r = new SplittableRandom(7);
        int accepted = 0;
        for (int k = 0; k < 2_000_000; k++) {
            long v = switch (k % 4) { // random bits, and runs of ones that are likely to be valid
                case 0 -> r.nextLong();
                case 1 -> Long.rotateRight((1L << r.nextInt(1, 64)) - 1, r.nextInt(64));
                case 2 -> Long.rotateRight((1L << r.nextInt(1, 64)) - 1, r.nextInt(64)) ^ (1L << r.nextInt(64));
                default -> {
                    int size = 2 << r.nextInt(5);
                    long e = Long.rotateRight((1L << r.nextInt(1, size)) - 1, 0) & ((1L << size) - 1);
                    long x = 0;
                    for (int b = 0; b < 64; b += size) x |= e << b;
                    yield x;
                }
            };
            int enc = Enc.bitmask64(v);
            if (enc < 0) continue;
            accepted++;
            assertEquals(v, decodeBitMask(enc >>> 12, (enc >>> 6) & 63, enc & 63, 64), Long.toHexString(v));
        }
        assertTrue(accepted > 500_000, "accepted " + accepted);
    }

    @Test
    void moveWideFindsTheOneChunk() {
        SplittableRandom r = new SplittableRandom(11);
        for (int k = 0; k < 1_000_000; k++) {
            long v = k % 2 == 0 ? (long) r.nextInt(65536) << (16 * r.nextInt(4)) : r.nextLong() & (r.nextLong() | r.nextLong());
            int expect = Enc.NO;
            for (int hw = 0; hw < 4 && expect < 0; hw++)
                if ((v & ~(0xffffL << (16 * hw))) == 0) expect = hw << 16 | (int) ((v >>> (16 * hw)) & 0xffff);
            assertEquals(expect, Enc.movz64(v), Long.toHexString(v));
        }
        assertEquals(0, Enc.movz64(0));
        assertEquals(0, Enc.movn64(-1));
        assertEquals(Enc.NO, Enc.movz32(0x1_0000_0000L));
        assertEquals(1 << 16 | 0xffff, Enc.movz32(0xffff0000L));
        assertEquals(0, Enc.movn32(-1));
        assertEquals(0, Enc.movn32(0xffffffffL));
    }
}
