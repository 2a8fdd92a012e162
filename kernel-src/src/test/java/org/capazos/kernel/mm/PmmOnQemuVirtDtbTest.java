package org.capazos.kernel.mm;

import org.capazos.dsl.Struct;
import org.capazos.kernel.boot.BootInfo;
import org.capazos.kernel.fdt.PlatformInfo;
import org.capazos.kernel.mm.SpanRulesModel.Input;
import org.capazos.kernel.mm.SpanRulesModel.Range;
import org.capazos.kernel.mm.SpanRulesModel.Result;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The path kmain takes, in the emulator: a device tree blob QEMU's virt machine really makes (the fdt tests'
 * snapshots) through {@code fdt_parse} into a platform_info, then {@code pmm_boot_init} with a boot_info laid
 * out as the boot stage lays it out, then the KMAIN_DEBUG self-test. The spans must equal the model's on the
 * ranges fdt_parse found.
 */
class PmmOnQemuVirtDtbTest {
    static final long MiB = 1L << 20, GiB = 1L << 30;
    static final long DTB_VA = 0x4800_0000L, INFO_VA = 0x6006_0000L, BOOT_INFO_VA = 0x6005_0000L;
    /** Where QEMU puts the blob (the start of RAM) and the kernel (as kernel.ld places it). */
    static final long DTB_PA = 0x4000_0000L, KERNEL_PA = 0x4010_0000L, KERNEL_END = 0x4016_5000L;

    /** The snapshot blob, or null if the fdt tests no longer provide it (then this test is skipped). */
    static byte[] snapshot(String name) {
        try {
            Class<?> c = Class.forName("org.capazos.kernel.fdt.QemuVirtSnapshots");
            java.lang.reflect.Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            Method blob = c.getDeclaredMethod("blob", String.class);
            blob.setAccessible(true);
            return (byte[]) blob.invoke(null, f.get(null));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @Test
    void qemuVirt512MDeviceTreeToPmm() {
        byte[] dtb = snapshot("VIRT_512M");
        assumeTrue(dtb != null, "the fdt tests' QemuVirtSnapshots.VIRT_512M is not there");
        Struct P = PlatformInfo.LAYOUT, B = BootInfo.LAYOUT;
        try (MmRig rig = new MmRig(Pmm.Fault.NONE, UsableRanges.Fault.NONE, true)) {
            rig.emu.mapExact("dtb", DTB_VA, dtb, false);
            rig.emu.mapExact("platform_info", INFO_VA, P.size(), true);
            rig.emu.mapExact("boot_info", BOOT_INFO_VA, B.size(), false);
            assertEquals(0, rig.emu.call("fdt_parse", DTB_VA, INFO_VA), "fdt_parse");
            long dtbSize = rig.emu.readLong(INFO_VA + P.offset("dtb_size"));

            // the model's answer on what fdt_parse found
            List<Range> mem = new ArrayList<>(), rsv = new ArrayList<>();
            long nm = rig.emu.readLong(INFO_VA + P.offset("memory_count"));
            for (int i = 0; i < nm; i++) {
                long at = INFO_VA + P.offset("memory") + i * PlatformInfo.RANGE.size();
                mem.add(new Range(rig.emu.readLong(at), rig.emu.readLong(at + 8)));
            }
            long nr = rig.emu.readLong(INFO_VA + P.offset("reserved_count"));
            for (int i = 0; i < nr; i++) {
                long at = INFO_VA + P.offset("reserved") + i * PlatformInfo.RESERVED.size();
                rsv.add(new Range(rig.emu.readLong(at), rig.emu.readLong(at + 8)));
            }
            assertEquals(List.of(new Range(GiB, 512 * MiB)), mem, "QEMU virt -m 512M: one bank at 1 GiB");
            Input in = new Input(mem, rsv, KERNEL_PA, KERNEL_END, DTB_PA, dtbSize, UsableRanges.DIRECT_MAP_NORMAL_BASE,
                    16 * GiB, 40, UsableRanges.MAX_SPANS, PlatformInfo.RANGE.size(), PlatformInfo.RESERVED.size());
            Result want = SpanRulesModel.compute(in);
            assertTrue(want.code() > 0, MmError.name(want.code()));

            long hh = rig.mapMetadata(want);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("magic"), BootInfo.MAGIC);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("ram_base"), GiB);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("kernel_phys_base"), KERNEL_PA);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("kernel_phys_end"), KERNEL_END);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("dtb_pa"), DTB_PA);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("dtb_size"), dtbSize);
            rig.emu.writeLong(BOOT_INFO_VA + B.offset("hh_offset"), hh);
            assertEquals(0, rig.emu.call("pmm_boot_init", BOOT_INFO_VA, INFO_VA, 16 * GiB, 40), "pmm_boot_init");
            long n = rig.emu.readLong(rig.emu.symbol("usable_span_count"));
            long spans = rig.emu.symbol("usable_spans");
            StringBuilder shown = new StringBuilder();
            assertEquals(want.code(), n);
            for (int i = 0; i < n; i++) {
                long s = rig.emu.readLong(spans + 16L * i), e = rig.emu.readLong(spans + 16L * i + 8);
                assertArrayEquals(want.spans().get(i), new long[] {s, e}, "span " + i);
                shown.append(String.format(" [0x%x, 0x%x)", s, e));
            }
            System.out.printf("QEMU virt 512M DTB (%d bytes, %d reserved ranges) -> usable spans:%s; %d pages usable%n",
                    dtbSize, nr, shown, rig.totalCount());
            rig.emu.clearUart();
            assertEquals(0, rig.emu.call("pmm_self_test"));
            assertTrue(rig.emu.uartOutput().contains("PMM: self-test passed"), rig.emu.uartOutput());
        }
    }
}
