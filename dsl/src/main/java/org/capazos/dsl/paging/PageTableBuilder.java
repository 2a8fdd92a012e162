package org.capazos.dsl.paging;

import org.capazos.dsl.EncodingException;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds 4 KiB-granule translation tables (levels 0 to 3) from mappings, using the largest block each
 * range's alignment allows (1 GiB at level 1, 2 MiB at level 2, else 4 KiB pages), and emits them as data
 * with the table links as relocations, so the linker fills in physical addresses.
 * <pre>{@code
 * PageTableBuilder t = new PageTableBuilder();
 * t.map(0x4000_0000L, 0x4000_0000L, 1L << 30, Mapping.KERNEL_RWX);
 * Label root = t.emit(a, "boot_ttbr0", 0);   // into the current section, 4 KiB aligned
 * }</pre>
 * Virtual addresses are the low 48 bits the walk uses (a TTBR1 address 0xffff_0000_4000_0000 is given as
 * 0x0000_0000_4000_0000, or whole: the top 16 bits are ignored).
 */
public final class PageTableBuilder {
    public static final int VA_BITS = 48;

    /** tables.get(0) is the root (level 0). Each holds 512 descriptors; child links by table index. */
    private final List<long[]> tables = new ArrayList<>();
    private final List<int[]> children = new ArrayList<>();

    public PageTableBuilder() {
        newTable();
    }

    private int newTable() {
        tables.add(new long[Descriptor.ENTRIES]);
        int[] c = new int[Descriptor.ENTRIES];
        java.util.Arrays.fill(c, -1);
        children.add(c);
        return tables.size() - 1;
    }

    /** Maps {@code [va, va + size)} to {@code [pa, pa + size)}; all three 4 KiB aligned, no overlaps. */
    public PageTableBuilder map(long va, long pa, long size, Mapping how) {
        va &= (1L << VA_BITS) - 1;
        long g = Descriptor.GRANULE - 1;
        if ((va & g) != 0 || (pa & g) != 0 || (size & g) != 0 || size <= 0)
            throw new EncodingException(String.format("map(0x%x, 0x%x, 0x%x): addresses and size must be 4 KiB"
                    + " aligned and the size positive", va, pa, size));
        if (va + size > (1L << VA_BITS) || pa + size > (1L << VA_BITS))
            throw new EncodingException(String.format("map(0x%x, 0x%x, 0x%x): beyond 48 bits", va, pa, size));
        while (size > 0) {
            int level = 1;
            while (level < 3 && !((va | pa) % Descriptor.entrySize(level) == 0 && size >= Descriptor.entrySize(level)))
                level++;
            long step = Descriptor.entrySize(level);
            set(va, level, pa | how.attributes() | (level == 3 ? Descriptor.PAGE | Descriptor.VALID : Descriptor.VALID));
            va += step;
            pa += step;
            size -= step;
        }
        return this;
    }

    private void set(long va, int level, long descriptor) {
        int t = 0;
        for (int l = 0; l < level; l++) {
            int i = Descriptor.index(va, l);
            if (tables.get(t)[i] != 0 && children.get(t)[i] < 0)
                throw new EncodingException(String.format("VA 0x%x is already mapped by a block at level %d", va, l));
            if (children.get(t)[i] < 0) {
                int child = newTable();
                children.get(t)[i] = child;
                tables.get(t)[i] = Descriptor.TABLE | Descriptor.VALID; // address filled at emission
            }
            t = children.get(t)[i];
        }
        int i = Descriptor.index(va, level);
        if (tables.get(t)[i] != 0) throw new EncodingException(String.format("VA 0x%x is mapped twice", va));
        tables.get(t)[i] = descriptor;
    }

    /** The number of 4 KiB tables. */
    public int tableCount() {
        return tables.size();
    }

    /**
     * Emits the tables (root first) into the current section, 4 KiB aligned, and returns the root's label.
     * Table links are {@code R_AARCH64_ABS64} relocations against the tables' labels with addend
     * {@code flags - vaToPa}, so they hold physical addresses when the section is linked at
     * {@code physical + vaToPa}.
     */
    public Label emit(MacroAssembler a, String name, long vaToPa) {
        a.align((int) Descriptor.GRANULE);
        Label[] labels = new Label[tables.size()];
        for (int t = 0; t < tables.size(); t++)
            labels[t] = t == 0 ? new Label(name).global().object().size(Descriptor.GRANULE) : new Label();
        for (int t = 0; t < tables.size(); t++) {
            a.bind(labels[t]);
            long[] table = tables.get(t);
            for (int i = 0; i < Descriptor.ENTRIES; i++) {
                int child = children.get(t)[i];
                if (child >= 0) a.quad(labels[child], (Descriptor.TABLE | Descriptor.VALID) - vaToPa);
                else a.quad(table[i]);
            }
        }
        return labels[0];
    }

    /**
     * The tables as they would be in memory if table {@code k} were at {@code base + k * 4096} (physical):
     * for the walker and for tests.
     */
    public long[][] image(long base) {
        long[][] out = new long[tables.size()][];
        for (int t = 0; t < tables.size(); t++) {
            out[t] = tables.get(t).clone();
            for (int i = 0; i < Descriptor.ENTRIES; i++) {
                int child = children.get(t)[i];
                if (child >= 0) out[t][i] = (base + child * Descriptor.GRANULE) | Descriptor.TABLE | Descriptor.VALID;
            }
        }
        return out;
    }
}
