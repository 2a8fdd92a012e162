package org.capazos.dsl.paging;

import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Translates a virtual address the way the MMU does (4 KiB granule, 48-bit VA, starting at level 0), over
 * tables read through {@code tableAt(physical address)}. For tests and tools, not for the kernel.
 */
public final class TableWalker {
    /** A translation: the physical address and the mapping of the block or page that holds it. */
    public record Translation(long pa, Mapping mapping, int level) { }

    private final LongFunction<long[]> tableAt;
    private final long root;

    public TableWalker(long root, LongFunction<long[]> tableAt) {
        this.root = root;
        this.tableAt = tableAt;
    }

    /** The translation of {@code va}, or empty if a walk finds an invalid descriptor. */
    public Optional<Translation> translate(long va) {
        long table = root;
        for (int level = 0; level <= 3; level++) {
            long[] t = tableAt.apply(table);
            if (t == null) return Optional.empty();
            long d = t[Descriptor.index(va, level)];
            if ((d & Descriptor.VALID) == 0) return Optional.empty();
            boolean isTable = (d & Descriptor.TABLE) != 0;
            if (level < 3 && isTable) {
                table = d & Descriptor.ADDRESS_MASK;
                continue;
            }
            if (level == 0 || (level == 3 && !isTable)) return Optional.empty(); // reserved encodings
            long size = Descriptor.entrySize(level);
            long base = d & Descriptor.ADDRESS_MASK & ~(size - 1);
            return Optional.of(new Translation(base | (va & (size - 1)), Mapping.of(d), level));
        }
        return Optional.empty();
    }
}
