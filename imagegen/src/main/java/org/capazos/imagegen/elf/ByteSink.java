package org.capazos.imagegen.elf;

import java.util.Arrays;

/** A growable little-endian byte buffer for writing ELF files. */
final class ByteSink {
    private byte[] buf = new byte[4096];
    private int size;

    int size() {
        return size;
    }

    private void ensure(int n) {
        if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }

    ByteSink u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    ByteSink u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    ByteSink u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    ByteSink u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    ByteSink bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** Pads with zeros to a multiple of {@code align}. */
    ByteSink align(long align) {
        while (align > 1 && size % align != 0) u8(0);
        return this;
    }

    /** Pads with zeros up to offset {@code offset}. */
    ByteSink padTo(long offset) {
        while (size < offset) u8(0);
        return this;
    }

    /** Overwrites 8 bytes at {@code at}. */
    void putU64(int at, long v) {
        for (int i = 0; i < 8; i++) buf[at + i] = (byte) (v >>> (8 * i));
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }
}
