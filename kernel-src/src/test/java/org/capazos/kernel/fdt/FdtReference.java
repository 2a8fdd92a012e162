package org.capazos.kernel.fdt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small Java reader of valid device tree blobs, written from the specification independently of the DSL
 * routine, giving what {@code fdt_parse} should extract. It builds the tree first (so it does not care about
 * property order) and trusts the blob: use it only on blobs that are valid.
 */
final class FdtReference {
    /** A node of the tree. */
    static final class Node {
        final String name;
        final Node parent;
        final Map<String, byte[]> props = new LinkedHashMap<>();
        final List<Node> children = new ArrayList<>();

        Node(String name, Node parent) {
            this.name = name;
            this.parent = parent;
        }

        int cells(String prop, int dflt) {
            byte[] v = props.get(prop);
            return v == null ? dflt : ByteBuffer.wrap(v).getInt();
        }

        String string(String prop) {
            byte[] v = props.get(prop);
            if (v == null) return null;
            int n = 0;
            while (n < v.length && v[n] != 0) n++;
            return new String(v, 0, n, StandardCharsets.US_ASCII);
        }

        boolean is(String base) {
            return name.equals(base) || name.startsWith(base + "@");
        }

        Node child(String exact) {
            for (Node c : children) if (c.name.equals(exact)) return c;
            return null;
        }
    }

    /** What fdt_parse extracts (the PlatformInfo fields), comparable with equals. */
    record Extracted(long dtbSize, long version, long bootCpuid, long addressCells, long sizeCells, long uartPa,
                     long uartSize, String stdoutPath, long cpuCount, List<List<Long>> memory,
                     List<List<Long>> reserved) { }

    static Node tree(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int off = b.getInt(8), strings = b.getInt(12);
        Node root = null, cur = null;
        int p = off;
        while (true) {
            int tok = b.getInt(p);
            p += 4;
            switch (tok) {
                case Fdt.FDT_BEGIN_NODE -> {
                    int e = p;
                    while (blob[e] != 0) e++;
                    Node n = new Node(new String(blob, p, e - p, StandardCharsets.US_ASCII), cur);
                    if (cur == null) root = n;
                    else cur.children.add(n);
                    cur = n;
                    p = (e + 1 + 3) & ~3;
                }
                case Fdt.FDT_END_NODE -> cur = cur.parent;
                case Fdt.FDT_PROP -> {
                    int len = b.getInt(p), nameOff = b.getInt(p + 4);
                    int e = strings + nameOff;
                    while (blob[e] != 0) e++;
                    String name = new String(blob, strings + nameOff, e - strings - nameOff, StandardCharsets.US_ASCII);
                    byte[] v = new byte[len];
                    System.arraycopy(blob, p + 8, v, 0, len);
                    cur.props.put(name, v);
                    p = (p + 8 + len + 3) & ~3;
                }
                case Fdt.FDT_NOP -> { }
                case Fdt.FDT_END -> {
                    return root;
                }
                default -> throw new IllegalArgumentException("token " + tok + " at " + (p - 4));
            }
        }
    }

    static Extracted extract(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        Node root = tree(blob);
        int ac = root.cells("#address-cells", 2), sc = root.cells("#size-cells", 1);
        List<List<Long>> memory = new ArrayList<>(), reserved = new ArrayList<>();
        for (int p = b.getInt(16); ; p += 16) {
            long addr = b.getLong(p), size = b.getLong(p + 8);
            if (addr == 0 && size == 0) break;
            if (size != 0) reserved.add(List.of(addr, size, PlatformInfo.SOURCE_MEMRESERVE));
        }
        for (Node n : root.children) {
            if (n.is("memory") || "memory".equals(n.string("device_type")) && !isSpecial(n))
                addReg(memory, n.props.get("reg"), ac, sc, -1);
            if (n.is("reserved-memory")) {
                int rac = n.cells("#address-cells", 2), rsc = n.cells("#size-cells", 1);
                for (Node c : n.children) addReg(reserved, c.props.get("reg"), rac, rsc,
                        PlatformInfo.SOURCE_RESERVED_MEMORY);
            }
        }
        long cpus = 0;
        for (Node n : root.children)
            if (n.is("cpus")) for (Node c : n.children) if (c.is("cpu")) cpus++;
        String stdout = null;
        long uartPa = 0, uartSize = 0;
        for (Node n : root.children) if (n.is("chosen") && n.string("stdout-path") != null) stdout = n.string("stdout-path");
        if (stdout != null) {
            // a path ends at ':'; an alias name at ':' or '/' (the rest of an alias-relative path is not followed)
            String path = stdout.split(":", 2)[0];
            if (!path.startsWith("/")) {
                String alias = stdout.split("[:/]", 2)[0];
                path = null;
                for (Node n : root.children)
                    if (n.is("aliases") && n.string(alias) != null) path = n.string(alias);
            }
            Node target = path == null ? null : lookup(root, path);
            if (target != null && target.props.get("reg") != null) {
                int pac = target.parent.cells("#address-cells", 2), psc = target.parent.cells("#size-cells", 1);
                ByteBuffer r = ByteBuffer.wrap(target.props.get("reg"));
                uartPa = read(r, pac);
                uartSize = read(r, psc);
            }
        }
        long version = b.getInt(20) & 0xffffffffL;
        return new Extracted(b.getInt(4) & 0xffffffffL, version, b.getInt(28) & 0xffffffffL, ac, sc, uartPa,
                uartSize, stdout, cpus, memory, reserved);
    }

    /** Nodes with a name of their own kind are never memory by device_type (as in fdt_parse). */
    private static boolean isSpecial(Node n) {
        return n.is("reserved-memory") || n.is("chosen") || n.is("cpus");
    }

    private static Node lookup(Node root, String path) {
        if (!path.startsWith("/")) return null;
        Node n = root;
        for (String part : path.substring(1).split("/", -1)) {   // "/a/" names no node, as in Linux
            if (part.isEmpty()) return null;
            n = n.child(part);
            if (n == null) return null;
        }
        return n == root ? null : n;
    }

    private static void addReg(List<List<Long>> out, byte[] reg, int ac, int sc, long source) {
        if (reg == null) return;
        ByteBuffer r = ByteBuffer.wrap(reg);
        while (r.remaining() > 0) {
            long base = read(r, ac), size = read(r, sc);
            if (size == 0) continue;
            out.add(source < 0 ? List.of(base, size) : List.of(base, size, source));
        }
    }

    private static long read(ByteBuffer r, int cells) {
        long v = 0;
        for (int i = 0; i < cells; i++) v = v << 32 | (r.getInt() & 0xffffffffL);
        return v;
    }
}
