package org.capazos.kernel.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes flattened device tree blobs token by token, so tests can make any valid tree (NOPs anywhere, any
 * property order) and, with the raw methods and {@link #patch32}, any malformed one. Layout: the 40-byte
 * header, the memory reservation block (8-aligned), the structure block, the strings block, then
 * {@link #padding} zero bytes.
 */
final class FdtBlob {
    /** Header field offsets. */
    static final int MAGIC = 0, TOTALSIZE = 4, OFF_STRUCT = 8, OFF_STRINGS = 12, OFF_RSVMAP = 16, VERSION = 20,
            LAST_COMP = 24, BOOT_CPUID = 28, SIZE_STRINGS = 32, SIZE_STRUCT = 36;

    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> nameOffsets = new LinkedHashMap<>();
    private final List<long[]> reservations = new ArrayList<>();
    int version = 17, lastComp = 16, bootCpuid = 0, padding = 0;
    boolean terminateReservations = true;

    // ---- structure tokens ---------------------------------------------------------------------------------------

    FdtBlob begin(String name) {
        token(Fdt.FDT_BEGIN_NODE);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        struct.writeBytes(n);
        struct.write(0);
        align4();
        return this;
    }

    FdtBlob end() {
        return token(Fdt.FDT_END_NODE);
    }

    FdtBlob nop() {
        return token(Fdt.FDT_NOP);
    }

    /** FDT_END */
    FdtBlob finish() {
        return token(Fdt.FDT_END);
    }

    FdtBlob prop(String name, byte[] value) {
        return rawProp(value.length, nameOffset(name), value);
    }

    FdtBlob prop(String name, String value) {
        return prop(name, (value + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** A property of big-endian u32 cells. */
    FdtBlob cells(String name, long... cells) {
        ByteBuffer b = ByteBuffer.allocate(4 * cells.length);
        for (long c : cells) b.putInt((int) c);
        return prop(name, b.array());
    }

    /** A reg of entries {address, size}, each in the given number of cells. */
    FdtBlob reg(int addressCells, int sizeCells, long... pairs) {
        return prop("reg", regBytes(addressCells, sizeCells, pairs));
    }

    static byte[] regBytes(int addressCells, int sizeCells, long... pairs) {
        ByteBuffer b = ByteBuffer.allocate(4 * (addressCells + sizeCells) * pairs.length / 2);
        for (int i = 0; i < pairs.length; i += 2) {
            put(b, pairs[i], addressCells);
            put(b, pairs[i + 1], sizeCells);
        }
        return b.array();
    }

    private static void put(ByteBuffer b, long v, int cells) {
        if (cells == 2) b.putInt((int) (v >>> 32));
        if (cells >= 1) b.putInt((int) v);
    }

    /** FDT_PROP with any length and name offset, followed by {@code value} (padded to 4). */
    FdtBlob rawProp(int length, int nameOffset, byte[] value) {
        token(Fdt.FDT_PROP);
        int32(struct, length);
        int32(struct, nameOffset);
        struct.writeBytes(value);
        align4();
        return this;
    }

    FdtBlob token(int token) {
        int32(struct, token);
        return this;
    }

    FdtBlob rawBytes(byte... bytes) {
        struct.writeBytes(bytes);
        return this;
    }

    /** The offset of {@code name} in the strings block (added on first use). */
    int nameOffset(String name) {
        return nameOffsets.computeIfAbsent(name, n -> {
            int off = strings.size();
            strings.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return off;
        });
    }

    /** Appends raw bytes to the strings block. */
    FdtBlob rawStrings(byte... bytes) {
        strings.writeBytes(bytes);
        return this;
    }

    int stringsSize() {
        return strings.size();
    }

    FdtBlob reserve(long address, long size) {
        reservations.add(new long[] {address, size});
        return this;
    }

    private void align4() {
        while (struct.size() % 4 != 0) struct.write(0);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    // ---- the blob -----------------------------------------------------------------------------------------------

    byte[] build() {
        int rsvOff = 40;
        int rsvSize = 16 * (reservations.size() + (terminateReservations ? 1 : 0));
        int structOff = rsvOff + rsvSize;
        int stringsOff = structOff + struct.size();
        int total = stringsOff + strings.size() + padding;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(MAGIC, (int) Fdt.MAGIC);
        b.putInt(TOTALSIZE, total);
        b.putInt(OFF_STRUCT, structOff);
        b.putInt(OFF_STRINGS, stringsOff);
        b.putInt(OFF_RSVMAP, rsvOff);
        b.putInt(VERSION, version);
        b.putInt(LAST_COMP, lastComp);
        b.putInt(BOOT_CPUID, bootCpuid);
        b.putInt(SIZE_STRINGS, strings.size());
        b.putInt(SIZE_STRUCT, struct.size());
        b.position(rsvOff);
        for (long[] r : reservations) b.putLong(r[0]).putLong(r[1]);
        if (terminateReservations) b.putLong(0).putLong(0);
        b.put(struct.toByteArray());
        b.put(strings.toByteArray());
        return b.array();
    }

    // ---- editing blobs ------------------------------------------------------------------------------------------

    static int u32(byte[] blob, int offset) {
        return ByteBuffer.wrap(blob).getInt(offset);
    }

    /** A copy of {@code blob} with the big-endian u32 at {@code offset} set to {@code value}. */
    static byte[] patch32(byte[] blob, int offset, long value) {
        byte[] copy = blob.clone();
        ByteBuffer.wrap(copy).putInt(offset, (int) value);
        return copy;
    }

    /** A copy of the first {@code length} bytes of {@code blob}. */
    static byte[] truncate(byte[] blob, int length) {
        return java.util.Arrays.copyOf(blob, length);
    }

    /** The offset of the first occurrence of {@code needle} at or after {@code from} (4-aligned), or -1. */
    static int find(byte[] blob, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= blob.length; i++) {
            for (int j = 0; j < needle.length; j++) if (blob[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** The offset of the first structure-block token {@code token} (big-endian, 4-aligned), or -1. */
    static int findToken(byte[] blob, int token) {
        int off = u32(blob, OFF_STRUCT), end = off + u32(blob, SIZE_STRUCT);
        for (int i = off; i + 4 <= end; i += 4) if (u32(blob, i) == token) return i;
        return -1;
    }
}
