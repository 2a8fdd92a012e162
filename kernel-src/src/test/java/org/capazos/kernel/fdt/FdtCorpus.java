package org.capazos.kernel.fdt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.capazos.kernel.fdt.FdtBlob.*;

/**
 * The malformed blobs, each with the reason fdt_parse must give: valid trees with an edited header, trees
 * written with bad tokens, lengths or offsets, blocks cut short. {@link FdtBlob} puts the strings block last,
 * so a blob without properties ends with its structure block: reading past that block reads past the blob,
 * which the emulator catches.
 */
final class FdtCorpus {
    /** A malformed blob, where to put it ({@code misalign} bytes past an 8-aligned address), the reason. */
    record Case(String name, byte[] blob, long misalign, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final List<Case> cases = new ArrayList<>();

    private FdtCorpus() { }

    /** A valid tree with 2/2 cells, one bank, a UART; the same as FdtValidTreesTest's. */
    static FdtBlob base() {
        return FdtValidTreesTest.base();
    }

    /** A valid tree (root 2/2 cells) whose root body is written by {@code body}. */
    static byte[] tree(Consumer<FdtBlob> body) {
        FdtBlob b = new FdtBlob().begin("").cells("#address-cells", 2).cells("#size-cells", 2);
        body.accept(b);
        return b.end().finish().build();
    }

    /** The root node with 2/2 cells, left open. */
    static FdtBlob root() {
        return new FdtBlob().begin("").cells("#address-cells", 2).cells("#size-cells", 2);
    }

    /** Adds a memory node with one 2/2-cell bank. */
    static FdtBlob withMemory(FdtBlob b) {
        return b.begin("memory@40000000").prop("device_type", "memory").reg(2, 2, 0x4000_0000L, 0x1000_0000L).end();
    }

    private void add(String name, byte[] blob, String reason) {
        cases.add(new Case(name, blob, 0, reason));
    }

    static List<Case> all() {
        FdtCorpus c = new FdtCorpus();
        c.header();
        c.blocks();
        c.reservations();
        c.structure();
        c.contents();
        return c.cases;
    }

    private void header() {
        byte[] ok = base().build();
        add("bad magic", patch32(ok, MAGIC, 0xd00dfeeeL), "bad magic");
        add("byte-swapped magic", patch32(ok, MAGIC, 0xedfe0dd0L), "bad magic");
        add("all zero", new byte[64], "bad magic");
        cases.add(new Case("blob at an address 4 bytes past 8-aligned", ok, 4, "blob not 8-byte aligned"));
        cases.add(new Case("blob at an address 1 byte past 8-aligned", ok, 1, "blob not 8-byte aligned"));
        // only the magic and totalsize may be read before totalsize is checked: these blobs are that short
        add("8-byte blob with totalsize 8", truncate(patch32(ok, TOTALSIZE, 8), 8), "totalsize smaller than the header");
        add("totalsize 0", truncate(patch32(ok, TOTALSIZE, 0), 8), "totalsize smaller than the header");
        add("36-byte version 17 blob", truncate(patch32(ok, TOTALSIZE, 36), 36), "totalsize smaller than the header");
        add("39-byte version 17 blob", truncate(patch32(ok, TOTALSIZE, 39), 39), "totalsize smaller than the header");
        add("totalsize 2 MiB + 1", truncate(patch32(ok, TOTALSIZE, Fdt.MAX_TOTALSIZE + 1L), 8), "totalsize too large");
        add("totalsize 0xffffffff", truncate(patch32(ok, TOTALSIZE, 0xffff_ffffL), 8), "totalsize too large");
        add("version 15", patch32(ok, VERSION, 15), "unsupported version");
        add("version 1", patch32(ok, VERSION, 1), "unsupported version");
        add("last_comp_version 18", patch32(ok, LAST_COMP, 18), "unsupported last_comp_version");
        add("last_comp_version 0xffffffff", patch32(ok, LAST_COMP, 0xffff_ffffL), "unsupported last_comp_version");
    }

    private void blocks() {
        byte[] ok = base().build();
        int total = ok.length, structOff = u32(ok, OFF_STRUCT), structSize = u32(ok, SIZE_STRUCT);
        String s = "struct block out of bounds";
        add("struct block inside the header", patch32(ok, OFF_STRUCT, 36), s);
        add("struct block at offset 0", patch32(ok, OFF_STRUCT, 0), s);
        add("struct block past totalsize", patch32(ok, OFF_STRUCT, total + 4), s);
        add("struct block at 0xfffffff0", patch32(ok, OFF_STRUCT, 0xffff_fff0L), s);
        add("struct size past totalsize", patch32(ok, SIZE_STRUCT, total - structOff + 1), s);
        add("struct size 0xffffffff", patch32(ok, SIZE_STRUCT, 0xffff_ffffL), s);
        add("struct block misaligned", patch32(ok, OFF_STRUCT, structOff + 2), "struct block misaligned");
        byte[] v16 = patch32(ok, VERSION, 16);
        add("version 16 struct block past totalsize", patch32(v16, OFF_STRUCT, total + 8), s);
        add("struct size 0", patch32(ok, SIZE_STRUCT, 0), "struct block truncated");
        String str = "strings block out of bounds";
        add("strings block inside the header", patch32(ok, OFF_STRINGS, 20), str);
        add("strings block past totalsize", patch32(ok, OFF_STRINGS, total + 1), str);
        add("strings size past totalsize", patch32(ok, SIZE_STRINGS, u32(ok, SIZE_STRINGS) + 1), str);
        add("strings size 0xffffffff", patch32(ok, SIZE_STRINGS, 0xffff_ffffL), str);
        add("struct size one token short (no FDT_END)", patch32(ok, SIZE_STRUCT, structSize - 4),
                "struct block truncated");
        add("struct size not a multiple of 4", patch32(ok, SIZE_STRUCT, structSize - 2), "struct block truncated");
    }

    private void reservations() {
        byte[] ok = base().build();
        String r = "memreserve block out of bounds";
        add("reservation block inside the header", patch32(ok, OFF_RSVMAP, 32), r);
        add("reservation block misaligned", patch32(ok, OFF_RSVMAP, 44), "memreserve block misaligned");
        FdtBlob padded = base();
        padded.padding = 8 - (padded.build().length % 8) + 8;   // totalsize a multiple of 8, last 8 bytes zero
        byte[] p = padded.build();
        add("reservation entry crossing totalsize", patch32(p, OFF_RSVMAP, p.length - 8), r);
        add("reservation block at totalsize", patch32(p, OFF_RSVMAP, p.length), r);
        // no {0, 0} terminator: the entries run into the struct block, whose tokens end the blob unterminated
        FdtBlob unterminated = new FdtBlob().reserve(0x1000, 0x1000);
        unterminated.terminateReservations = false;
        unterminated.begin("").end().finish();
        add("reservation block without terminator", unterminated.build(), r);
        FdtBlob wrap = base().reserve(0xffff_ffff_ffff_f000L, 0x1001);
        add("reservation wrapping around 2^64", wrap.build(), "range wraps around 2^64");
        FdtBlob wrap2 = base().reserve(0xffff_ffff_ffff_f000L, 0x1000);
        add("reservation ending exactly at 2^64", wrap2.build(), "range wraps around 2^64");
        FdtBlob many = base();
        for (int i = 0; i <= PlatformInfo.MAX_RESERVED; i++) many.reserve(0x10000L * (i + 1), 0x1000);
        add("33 reservations", many.build(), "too many reserved ranges");
    }

    private void structure() {
        FdtBlob b;
        add("unknown token 5", tree(t -> withMemory(t).token(5)), "unknown token");
        add("unknown token 0", tree(t -> withMemory(t).token(0)), "unknown token");
        add("unknown token 0x01000000 (little-endian BEGIN_NODE)", tree(t -> withMemory(t).token(0x0100_0000)),
                "unknown token");
        add("FDT_END inside the root", new FdtBlob().begin("").finish().build(), "unbalanced nodes");
        add("END_NODE after the root", tree(t -> withMemory(t).end().end().begin("")), "unbalanced nodes");
        add("END_NODE before any node", new FdtBlob().end().finish().build(), "unbalanced nodes");
        add("two roots", withMemory(root()).end().begin("").end().finish().build(),
                "more than one root node");
        add("empty structure block", new FdtBlob().finish().build(), "no root node");
        add("only NOPs", new FdtBlob().nop().nop().finish().build(), "no root node");
        add("property before the root", withMemory(new FdtBlob().cells("#address-cells", 2).begin("")).end().finish()
                .build(), "property outside a node");
        add("property after the root", withMemory(root()).end().prop("x", "y").finish().build(),
                "property outside a node");
        add("property after a subnode", tree(t -> withMemory(t).prop("late", "x")), "property after a subnode");
        add("property after a subnode and a NOP", tree(t -> withMemory(t).nop().prop("late", "x")),
                "property after a subnode");
        b = withMemory(root());
        for (int i = 0; i < Fdt.MAX_DEPTH; i++) b.begin("n");
        for (int i = 0; i < Fdt.MAX_DEPTH; i++) b.end();
        add("nodes nested 33 deep", b.end().finish().build(), "nodes nested too deep");

        // the struct block ends the blob (no strings: no properties) so reading past it reads past the blob
        add("unterminated node name at the end of the blob",
                new FdtBlob().begin("").token(Fdt.FDT_BEGIN_NODE).rawBytes((byte) 'a', (byte) 'b', (byte) 'c', (byte) 'd')
                        .build(), "unterminated node name");
        FdtBlob beforeStrings = new FdtBlob().begin("");
        beforeStrings.prop("a", "b");
        beforeStrings.token(Fdt.FDT_BEGIN_NODE).rawBytes((byte) 'x', (byte) 'y', (byte) 'z', (byte) 'w');
        add("unterminated node name before the strings", beforeStrings.build(), "unterminated node name");
        add("BEGIN_NODE as the last word", new FdtBlob().begin("").token(Fdt.FDT_BEGIN_NODE).build(),
                "unterminated node name");

        add("PROP as the last word of the struct block", new FdtBlob().begin("").token(Fdt.FDT_PROP).rawStrings(
                new byte[12]).build(), "property header out of bounds");
        add("PROP with half a header", new FdtBlob().begin("").token(Fdt.FDT_PROP).rawBytes(new byte[4])
                .rawStrings(new byte[12]).build(), "property header out of bounds");
        FdtBlob one = new FdtBlob().begin("");
        one.rawProp(5, one.nameOffset("p"), new byte[4]);   // value ends 1 byte past the struct block
        add("property value 1 byte past the struct block", one.build(), "property length out of bounds");
        FdtBlob big = new FdtBlob().begin("");
        big.rawProp(0x1000, big.nameOffset("p"), new byte[4]);
        big.end().finish();
        add("property length 0x1000 in a small blob", big.build(), "property length out of bounds");
        FdtBlob huge = new FdtBlob().begin("");
        huge.rawProp(-1, huge.nameOffset("p"), new byte[4]);
        huge.end().finish();
        add("property length 0xffffffff", huge.build(), "property length out of bounds");
        add("property length reaching into the strings block",
                tree(t -> t.rawProp(64, t.nameOffset("p"), new byte[0])), "property length out of bounds");

        String nameOob = "property name offset out of bounds";
        FdtBlob off = new FdtBlob().begin("");
        off.prop("a", "b");
        off.rawProp(0, off.stringsSize(), new byte[0]);
        add("name offset = strings size", off.end().finish().build(), nameOob);
        FdtBlob off2 = new FdtBlob().begin("");
        off2.prop("a", "b");
        off2.rawProp(0, -1, new byte[0]);
        add("name offset 0xffffffff", off2.end().finish().build(), nameOob);
        FdtBlob unterminatedName = new FdtBlob().begin("");
        unterminatedName.prop("a", "b");
        int at = unterminatedName.stringsSize();
        unterminatedName.rawStrings((byte) 'x', (byte) 'y', (byte) 'z');
        unterminatedName.rawProp(0, at, new byte[0]);
        add("property name running to the end of the strings block (and the blob)",
                unterminatedName.end().finish().build(), "unterminated property name");
    }

    private void contents() {
        add("no memory node", tree(t -> t.begin("chosen").end()), "no /memory");
        add("memory node without reg", tree(t -> t.begin("memory@0").prop("device_type", "memory").end()), "no /memory");
        add("only empty banks", tree(t -> t.begin("memory@0").reg(2, 2, 0x4000_0000L, 0, 0x8000_0000L, 0).end()),
                "no /memory");
        add("memory below a child of the root", tree(t -> t.begin("soc").begin("memory@0").reg(2, 2, 0, 0x1000)
                .end().end()), "no /memory");
        add("device_type memory of the wrong length",
                tree(t -> t.begin("ram").prop("device_type", new byte[] {'m', 'e', 'm', 'o', 'r', 'y'})
                        .reg(2, 2, 0, 0x1000).end()), "no /memory");
        add("memory bank wrapping around 2^64",
                tree(t -> t.begin("memory").reg(2, 2, 0xffff_ffff_0000_0000L, 0x1_0000_0000L).end()),
                "range wraps around 2^64");
        add("memory bank with a huge size",
                tree(t -> t.begin("memory").reg(2, 2, 0x4000_0000L, 0xffff_ffff_ffff_ffffL).end()),
                "range wraps around 2^64");
        add("reserved-memory child wrapping",
                tree(t -> withMemory(t).begin("reserved-memory").cells("#address-cells", 2).cells("#size-cells", 2)
                        .begin("r").reg(2, 2, -0x1000L, 0x2000).end().end()), "range wraps around 2^64");
        long[] banks = new long[2 * (PlatformInfo.MAX_MEMORY + 1)];
        for (int i = 0; i < banks.length; i += 2) {
            banks[i] = 0x1000_0000L * (i + 1);
            banks[i + 1] = 0x1000;
        }
        add("17 memory banks", tree(t -> t.begin("memory").reg(2, 2, banks).end()), "too many memory ranges");
        add("17 memory nodes", tree(t -> {
            for (int i = 0; i < banks.length; i += 2) t.begin("memory@" + i).reg(2, 2, banks[i], banks[i + 1]).end();
        }), "too many memory ranges");
        add("32 reservations and a reserved-memory child", withReserved(), "too many reserved ranges");

        String ac = "unsupported #address-cells", sc = "unsupported #size-cells";
        add("#address-cells 3", cellsTree(3, 2), ac);
        add("#address-cells 0", cellsTree(0, 2), ac);
        add("#address-cells 0xffffffff", cellsTree(0xffff_ffffL, 2), ac);
        add("#size-cells 0", cellsTree(2, 0), sc);
        add("#size-cells 3", cellsTree(2, 3), sc);
        add("#address-cells of 8 bytes", withMemory(new FdtBlob().begin("").cells("#address-cells", 0, 2))
                .end().finish().build(), ac);
        add("#size-cells of 0 bytes", withMemory(new FdtBlob().begin("").prop("#size-cells", new byte[0]))
                .end().finish().build(), sc);
        add("/reserved-memory #address-cells 3", tree(t -> withMemory(t).begin("reserved-memory")
                .cells("#address-cells", 3).cells("#size-cells", 1).end()), ac);
        add("/reserved-memory #size-cells 4", tree(t -> withMemory(t).begin("reserved-memory")
                .cells("#address-cells", 1).cells("#size-cells", 4).end()), sc);
        add("stdout-path node under a bus with #address-cells 3", tree(t -> withMemory(t)
                .begin("chosen").prop("stdout-path", "/pci/uart@0").end()
                .begin("pci").cells("#address-cells", 3).cells("#size-cells", 2)
                .begin("uart@0").cells("reg", 0, 0, 0, 0, 0x100).end().end()), ac);
        add("stdout-path node under a bus with #size-cells 0", tree(t -> withMemory(t)
                .begin("chosen").prop("stdout-path", "/bus/uart@0").end()
                .begin("bus").cells("#address-cells", 1).cells("#size-cells", 0)
                .begin("uart@0").cells("reg", 0x100).end().end()), sc);

        String len = "reg length not a multiple of its cells";
        add("memory reg of 12 bytes with 2+2 cells", tree(t -> t.begin("memory").cells("reg", 0, 0x4000_0000L, 0).end()),
                len);
        add("memory reg of 1 byte", tree(t -> t.begin("memory").prop("reg", new byte[] {1}).end()), len);
        add("reserved-memory reg of 20 bytes with 1+1 cells", tree(t -> withMemory(t).begin("reserved-memory")
                .cells("#address-cells", 1).cells("#size-cells", 1)
                .begin("r").cells("reg", 1, 2, 3, 4, 5).end().end()), len);
        add("UART reg shorter than one entry", tree(t -> withMemory(t).begin("chosen").prop("stdout-path", "/u").end()
                .begin("u").cells("reg", 0, 0x0900_0000L).end()), len);

        add("stdout-path without NUL", tree(t -> withMemory(t).begin("chosen")
                .prop("stdout-path", new byte[] {'/', 'u'}).end()), "unterminated stdout-path");
        add("empty stdout-path", tree(t -> withMemory(t).begin("chosen").prop("stdout-path", new byte[0]).end()),
                "unterminated stdout-path");
        add("alias without NUL", tree(t -> withMemory(t).begin("aliases").prop("serial0", new byte[] {'/', 'u'}).end()
                .begin("chosen").prop("stdout-path", "serial0").end()), "unterminated alias");
    }

    private static byte[] cellsTree(long addressCells, long sizeCells) {
        return withMemory(new FdtBlob().begin("").cells("#address-cells", addressCells)
                .cells("#size-cells", sizeCells)).end().finish().build();
    }

    private static byte[] withReserved() {
        FdtBlob b = new FdtBlob();
        for (int i = 0; i < PlatformInfo.MAX_RESERVED; i++) b.reserve(0x10000L * (i + 1), 0x1000);
        b.begin("").cells("#address-cells", 2).cells("#size-cells", 2);
        withMemory(b).begin("reserved-memory").cells("#address-cells", 2).cells("#size-cells", 2)
                .begin("r").reg(2, 2, 0x5000_0000L, 0x1000).end().end();
        return b.end().finish().build();
    }
}
