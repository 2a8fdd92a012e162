package org.capazos.kernel.boot;

import org.capazos.dsl.Struct;

/**
 * {@code boot_info}: what the boot stage tells the kernel. Built by the boot stage in its own .bss (inside the
 * boot region, which the PMM keeps reserved) and handed to {@code _kcrt0} in x0 as a direct-map address.
 */
public final class BootInfo {
    /** "CAPAZBI1" as a little-endian quad: the kernel refuses a boot_info without it. */
    public static final long MAGIC = 0x3149_425A_5041_4143L;

    public static final Struct LAYOUT = Struct.named("boot_info")
            .u64("magic")
            .u64("ram_base")            // lowest RAM address the boot stage assumes (QEMU virt: 0x40000000)
            .u64("kernel_phys_base")    // where the kernel image starts in RAM
            .u64("kernel_virt_base")    // where it is linked (higher half)
            .u64("kernel_phys_end")     // end of the kernel's runtime footprint (image + .bss), page-aligned
            .u64("dtb_pa")              // the device tree blob, as QEMU passed it in x0
            .u64("dtb_size")            // its totalsize header field (0 if the magic is wrong)
            .u64("boot_start")          // the boot stage's extent in RAM (image + .bss)
            .u64("boot_end")
            .u64("entry_el")            // the exception level the CPU entered at (1 or 2)
            .u64("hh_offset")           // virtual = physical + hh_offset in the direct map
            .build();

    private BootInfo() { }
}
