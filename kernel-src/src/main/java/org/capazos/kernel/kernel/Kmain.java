package org.capazos.kernel.kernel;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.PStateField;
import org.capazos.dsl.Shift;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Struct;
import org.capazos.dsl.XReg;
import org.capazos.dsl.module.Module;
import org.capazos.kernel.BuildSwitches;
import org.capazos.kernel.CapazOS;
import org.capazos.kernel.Platform;
import org.capazos.kernel.arch.ExceptionReport;
import org.capazos.kernel.arch.KernelTables;
import org.capazos.kernel.arch.Vmm;
import org.capazos.dsl.paging.Mapping;
import org.capazos.kernel.boot.BootInfo;
import org.capazos.kernel.drivers.Pl011;
import org.capazos.kernel.fdt.Fdt;
import org.capazos.kernel.fdt.PlatformInfo;
import org.capazos.kernel.mm.MmError;
import org.capazos.kernel.mm.Pmm;
import org.capazos.kernel.mm.UsableRanges;
import org.capazos.kernel.arch.Mmu;
import org.capazos.kernel.lib.Print;

import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.SystemRegister.*;

/**
 * The kernel stage: {@code _kcrt0} and {@code kmain}, with the console, the vectors, the kernel's translation
 * tables and the subsystems kmain brings up in order.
 */
public final class Kmain {
    /** An address no table maps (level-0 index 256 of TTBR1 is empty): CAPAZ_FAULT_TEST reads it. */
    public static final long FAULT_TEST_ADDRESS = 0xffff_8000_0000_0000L;
    /** Where kmain maps a PMM page through tables grown from the PMM (level-0 index 128: no table yet). */
    public static final long VMM_DEMO_VA = 0xffff_4000_0000_0000L;
    static final long VMM_DEMO_VALUE = 0x0c0f_fee0_cafe_f00dL;

    private Kmain() { }

    public static Module build(BuildSwitches switches) {
        return build(switches, java.util.List.of());
    }

    /** The kernel with {@code steps} added to kmain, in order, just before it goes idle. */
    public static Module build(BuildSwitches switches, java.util.List<KernelStep> steps) {
        ModuleBuilder mb = new ModuleBuilder("kernel");
        MacroAssembler a = new MacroAssembler(mb);
        Struct bi = BootInfo.LAYOUT;
        Label kmain = new Label("kmain").global();
        Label bootInfoPtr = new Label("boot_info_ptr").global().object().size(8);

        // The early console: QEMU virt's PL011 through the direct map, until the device tree says otherwise.
        Pl011 uart = Pl011.emit(a, Label.external("__kernel_va_offset"), Platform.UART_EARLY_PA);
        Print print = Print.emit(a, uart);
        ExceptionReport report = ExceptionReport.emit(a, print, "kernel");
        Label vectors = report.vectors();
        Kcrt0.emit(a, kmain, Label.external("kernel_halt"));
        KernelTables tables = KernelTables.emit(a);
        Fdt fdt = Fdt.emit(a);
        Pmm pmm = Pmm.emit(a, print);
        Vmm vmm = Vmm.emit(a, tables, pmm);
        Label platformInfo = new Label("platform_info").global().object().size(PlatformInfo.LAYOUT.size());
        Label halt = new Label("kmain_halt");
        Label panicPmm = new Label();
        a.bss();
        a.align(8);
        a.bind(platformInfo);
        a.space((int) PlatformInfo.LAYOUT.size());

        a.bss();
        a.align(8);
        a.bind(bootInfoPtr);
        a.space(8);

        a.text();
        a.function(kmain, new XReg[] {x19, x20, x21, x22}, 0, () -> {
            XReg info = x19;
            a.mov(info, x0);
            a.adrl(x9, bootInfoPtr);
            a.str(info, mem(x9));

            a.adrl(x9, vectors);
            a.msr(VBAR_EL1, x9);
            a.isb();
            print.print("CapazOS kernel " + CapazOS.VERSION + "\n");

            // The device tree, through the boot stage's direct map: validated before anything is trusted.
            XReg offset = x20, pinfo = x21;
            a.ldr(offset, bi.at(info, "hh_offset"));
            a.adrl(pinfo, platformInfo);
            a.ldr(x0, bi.at(info, "dtb_pa"));
            a.add(x0, x0, offset);
            a.mov(x1, pinfo);
            a.call(fdt.parse);
            a.cmp(x0, 0);
            a.ifThen(Condition.NE, () -> {            // x0: why the blob was refused
                a.mov(x22, x0);
                print.print("DTB: invalid: ");
                a.mov(x0, x22);
                a.call(print.puts);
                print.print("\n");
                a.b(halt);
            });
            printPlatform(a, print, pinfo);

            // The kernel's own tables: direct map of the RAM the device tree describes, TTBR0 off. The window
            // is whole GiBs, up to the end of the highest bank, at most the 512 GiB one level-1 table maps.
            XReg window = x22;
            ramEnd(a, pinfo, window);
            a.addImm(window, window, (1L << 30) - 1);
            a.and(window, window, -(1L << 30));
            a.mov(x9, KernelTables.DIRECT_MAP_SIZE);
            a.cmp(window, x9);
            a.csel(window, x9, window, Condition.HI);
            a.mov(x0, offset);
            a.mov(x1, window);
            a.call(tables.init);
            print.print("kmain: MMU: kernel tables active, TTBR0 disabled\n");

            // Physical memory: usable spans, correct by construction, then the bitmap PMM over them.
            a.mrs(x0, ID_AA64MMFR0_EL1);
            a.call(pmm.paBits);
            a.mov(x3, x0);
            a.mov(x0, info);
            a.mov(x1, pinfo);
            a.mov(x2, window);
            a.call(pmm.bootInit);
            // A memory map that leaves nothing usable (or no room for the PMM's metadata after the kernel) is a
            // device tree this kernel cannot run on: reported like a malformed one. Anything else is a bug.
            a.mov(x23, x0);
            a.cmn(x23, -MmError.ENOMEM);
            a.ifThen(Condition.EQ, () -> {
                print.print("DTB: invalid: no usable memory left after the reservations\n");
                a.b(halt);
            });
            a.cmn(x23, -MmError.EMETA);
            a.ifThen(Condition.EQ, () -> {
                print.print("DTB: invalid: no usable memory for the PMM metadata after the kernel\n");
                a.b(halt);
            });
            a.cbnz(x23, panicPmm);
            printImplicitReservations(a, print, pmm, info);
            printUsable(a, print, pmm);
            // Page tables grow from the PMM: map a fresh page where no table exists yet, write through the new
            // mapping, read back through the direct map.
            a.call(pmm.freeCount);
            a.mov(x23, x0);
            a.sub(sp, sp, 16);
            a.mov(x0, sp);
            a.call(pmm.allocPage);
            a.ldr(x25, mem(sp));                                  // x25: the page's PA
            a.add(sp, sp, 16);
            a.mov(x0, VMM_DEMO_VA);
            a.mov(x1, x25);
            a.mov(x2, Mapping.KERNEL_RW.attributes());
            a.call(vmm.mapPage);
            a.cmp(x0, 0);
            a.ifThen(Condition.NE, () -> {
                print.print("PANIC: vmm_map_page failed\n");
                a.b(halt);
            });
            a.mov(x9, VMM_DEMO_VA);
            a.mov(x10, VMM_DEMO_VALUE);
            a.str(x10, mem(x9, 8));
            a.add(x9, x25, offset);
            a.ldr(x26, mem(x9, 8));
            a.call(pmm.freeCount);
            a.sub(x23, x23, x0);                                  // pages the mapping took from the PMM
            print.printHex("kmain: VMM: page ", x25);
            a.mov(x27, VMM_DEMO_VA);
            print.printHex(" mapped at ", x27);
            print.printDec(", ", x23);
            print.print(" pages from the PMM (the page and its tables)\n");
            a.mov(x9, VMM_DEMO_VALUE);
            a.cmp(x26, x9);
            a.ifThen(Condition.NE, () -> {
                print.print("PANIC: VMM: a write through the new mapping did not reach the page\n");
                a.b(halt);
            });
            a.call(pmm.freeCount);
            a.mov(x23, x0);
            a.call(pmm.totalCount);
            a.mov(x24, x0);
            print.printDec("PMM(free/total): ", x23);
            print.printDec("/", x24);
            print.print("\n");
            if (switches.kmainDebug()) {
                a.call(pmm.selfTest);
                a.cmp(x0, 0);
                a.ifThen(Condition.NE, () -> {
                    print.print("PANIC: PMM self-test failed\n");
                    a.b(halt);
                });
            }

            // The console moves to the UART /chosen/stdout-path names, if the direct map's device GiB has it.
            a.ldr(x13, PlatformInfo.LAYOUT.at(pinfo, "uart_pa"));
            a.sub(x10, x13, 1);                       // uart_pa - 1 < 1 GiB - 1 (unsigned): found, and in GiB 0
            a.cmpImm(x10, (1L << 30) - 1);
            a.ifThen(Condition.LO, () -> {
                a.add(x10, x13, offset);
                a.adrl(x11, uart.base);
                a.str(x10, mem(x11));
                print.printHex("kmain: console on the UART at ", x13);
                print.print(" (/chosen/stdout-path)\n");
            });

            if (switches.faultTest()) {
                print.print("kmain: CAPAZ_FAULT_TEST: reading an unmapped address\n");
                a.mov(x9, FAULT_TEST_ADDRESS);
                a.ldr(x9, mem(x9));
            }
            for (KernelStep step : steps) step.emit(a, print);
            print.print("kmain: idle\n");
            a.loop(a::wfi);
            a.bind(panicPmm);
            a.neg(x23, x23);
            print.printDec("PANIC: pmm_boot_init failed with error -", x23);
            print.print("\n");
            a.bind(halt);                             // a clean stop: interrupts masked, waiting for ever
            a.msr(PStateField.DAIFSET, 0xf);
            a.loop(a::wfi);
        });
        report.emitSymbolTable(a);
        return mb.build();
    }

    /** Prints {@code DTB: memory} and {@code DTB: reserved} lines from platform_info at {@code pinfo}. */
    private static void printPlatform(MacroAssembler a, Print print, XReg pinfo) {
        Struct pi = PlatformInfo.LAYOUT;
        a.mov(x23, 0L);
        a.loop(() -> {
            a.ldr(x9, pi.at(pinfo, "memory_count"));
            a.cmp(x23, x9);
            a.breakIf(Condition.HS);
            a.add(x24, pinfo, pi.offset("memory"));
            a.add(x24, x24, x23, Shift.LSL, 4);               // 16 bytes per {base, size}
            a.ldp(x25, x26, mem(x24));
            print.printHex("DTB: memory ", x25);
            a.add(x26, x25, x26);
            print.printHex("-", x26);
            print.print("\n");
            a.add(x23, x23, 1);
        });
        a.mov(x23, 0L);
        a.loop(() -> {
            a.ldr(x9, pi.at(pinfo, "reserved_count"));
            a.cmp(x23, x9);
            a.breakIf(Condition.HS);
            a.mov(x10, PlatformInfo.RESERVED.size());
            a.add(x24, pinfo, pi.offset("reserved"));
            a.madd(x24, x23, x10, x24);
            a.ldp(x25, x26, mem(x24));
            print.printHex("DTB: reserved ", x25);
            a.add(x26, x25, x26);
            print.printHex("-", x26);
            a.ldr(x9, PlatformInfo.RESERVED.at(x24, "source"));
            a.cmp(x9, PlatformInfo.SOURCE_MEMRESERVE);
            a.ifThenElse(Condition.EQ, () -> print.print(" (memreserve)\n"), () -> print.print(" (reserved-memory)\n"));
            a.add(x23, x23, 1);
        });
    }

    /**
     * Prints the reservations the PMM made itself (the seed's implicit ones), as {@code PMM: reserved
     * 0x<start>-0x<end> (<what>)}: the boot region, the kernel's runtime footprint, the PMM metadata, the DTB.
     */
    private static void printImplicitReservations(MacroAssembler a, Print print, Pmm pmm, XReg info) {
        Struct bi = BootInfo.LAYOUT, ml = UsableRanges.LAYOUT;
        a.adrl(x23, pmm.layout);
        a.ldr(x24, ml.at(x23, "ram_lo"));
        a.ldr(x25, bi.at(info, "kernel_phys_base"));
        print.printHex("PMM: reserved ", x24);
        print.printHex("-", x25);
        print.print(" (boot region)\n");
        a.ldr(x24, bi.at(info, "kernel_phys_end"));
        print.printHex("PMM: reserved ", x25);
        print.printHex("-", x24);
        print.print(" (kernel)\n");
        a.ldr(x24, ml.at(x23, "meta_pa"));
        a.ldr(x25, ml.at(x23, "meta_pages"));
        a.add(x25, x24, x25, Shift.LSL, Mmu.PAGE_SHIFT);
        print.printHex("PMM: reserved ", x24);
        print.printHex("-", x25);
        print.print(" (PMM metadata)\n");
        a.ldr(x24, bi.at(info, "dtb_pa"));
        a.ldr(x25, bi.at(info, "dtb_size"));
        a.add(x25, x24, x25);
        print.printHex("PMM: reserved ", x24);
        print.printHex("-", x25);
        print.print(" (DTB)\n");
    }

    /** Prints {@code PMM: usable 0x<start>-0x<end>} for every span the PMM manages. */
    private static void printUsable(MacroAssembler a, Print print, Pmm pmm) {
        a.mov(x23, 0L);
        a.loop(() -> {
            a.adrl(x9, pmm.spanCount);
            a.ldr(x9, mem(x9));
            a.cmp(x23, x9);
            a.breakIf(Condition.HS);
            a.adrl(x24, pmm.spans);
            a.add(x24, x24, x23, Shift.LSL, 4);               // {start, end} pairs
            a.ldp(x25, x26, mem(x24));
            print.printHex("PMM: usable ", x25);
            print.printHex("-", x26);
            print.print("\n");
            a.add(x23, x23, 1);
        });
    }

    /** {@code out} = the end of the highest memory bank (0 if none). */
    private static void ramEnd(MacroAssembler a, XReg pinfo, XReg out) {
        Struct pi = PlatformInfo.LAYOUT;
        a.mov(out, 0L);
        a.ldr(x9, pi.at(pinfo, "memory_count"));
        a.add(x10, pinfo, pi.offset("memory"));
        a.whileLoop(() -> {
            a.cmp(x9, 0);
            return Condition.NE;
        }, () -> {
            a.ldp(x11, x12, postIndex(x10, 16));
            a.add(x11, x11, x12);
            a.cmp(x11, out);
            a.csel(out, x11, out, Condition.HI);
            a.sub(x9, x9, 1);
        });
    }
}
