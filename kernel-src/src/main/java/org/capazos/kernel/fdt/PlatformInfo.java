package org.capazos.kernel.fdt;

import org.capazos.dsl.Struct;

/**
 * {@code platform_info}: what {@code fdt_parse} found in the device tree, for the PMM and the drivers. Every
 * field is a little-endian u64; the caller provides the (8-byte aligned) storage, {@code fdt_parse} zeroes it
 * first and fills it.
 *
 * <pre>
 * offset  field
 *   0     dtb_pa          the blob's address, as passed in x0
 *   8     dtb_size        its totalsize header field
 *  16     version         its version header field (16 or 17)
 *  24     boot_cpuid      boot_cpuid_phys
 *  32     address_cells   the root's #address-cells (default 2)
 *  40     size_cells      the root's #size-cells (default 1)
 *  48     uart_pa         reg base of the node /chosen/stdout-path names, 0 if none was found
 *  56     uart_size       reg size of that node, 0 if none
 *  64     stdout_path     address (inside the blob) of the /chosen/stdout-path string, 0 if absent
 *  72     cpu_count       children of /cpus named cpu or cpu@...
 *  80     memory_count    entries used in memory[]
 *  88     memory[16]      {base, size}: banks of /memory nodes, in blob order, empty banks dropped
 * 344     reserved_count  entries used in reserved[]
 * 352     reserved[32]    {base, size, source}: source 0 = /memreserve/ block, 1 = /reserved-memory child
 * 1120    (size)
 * </pre>
 *
 * Ranges are exactly as the blob gives them (not page-aligned, not merged, possibly overlapping): the PMM
 * aligns, sorts and subtracts.
 */
public final class PlatformInfo {
    /** At most this many memory banks; one more is "too many memory ranges". */
    public static final int MAX_MEMORY = 16;
    /** At most this many reserved ranges (both sources together); one more is "too many reserved ranges". */
    public static final int MAX_RESERVED = 32;

    /** {@code source} of a reserved range from the /memreserve/ block. */
    public static final long SOURCE_MEMRESERVE = 0;
    /** {@code source} of a reserved range from a child of /reserved-memory. */
    public static final long SOURCE_RESERVED_MEMORY = 1;

    /** A memory bank: {@code [base, base + size)}. */
    public static final Struct RANGE = Struct.named("fdt_range")
            .u64("base")
            .u64("size")
            .build();

    /** A reserved range and where it came from. */
    public static final Struct RESERVED = Struct.named("fdt_reserved")
            .u64("base")
            .u64("size")
            .u64("source")
            .build();

    public static final Struct LAYOUT = Struct.named("platform_info")
            .u64("dtb_pa")
            .u64("dtb_size")
            .u64("version")
            .u64("boot_cpuid")
            .u64("address_cells")
            .u64("size_cells")
            .u64("uart_pa")
            .u64("uart_size")
            .u64("stdout_path")
            .u64("cpu_count")
            .u64("memory_count")
            .struct("memory", RANGE, MAX_MEMORY)
            .u64("reserved_count")
            .struct("reserved", RESERVED, MAX_RESERVED)
            .build();

    private PlatformInfo() { }
}
