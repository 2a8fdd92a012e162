package org.capazos.kernel.boot;

import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.Shift;
import org.capazos.dsl.Struct;
import org.capazos.dsl.XReg;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.paging.Mapping;
import org.capazos.dsl.paging.PageTableBuilder;
import org.capazos.kernel.CapazOS;
import org.capazos.kernel.Platform;
import org.capazos.kernel.arch.ExceptionReport;
import org.capazos.kernel.drivers.Pl011;
import org.capazos.kernel.lib.Print;

import static org.capazos.dsl.BarrierOption.ISH;
import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.PStateField.DAIFSET;
import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.SystemOperation.TLBI_VMALLE1;
import static org.capazos.dsl.SystemRegister.*;
import static org.capazos.kernel.arch.ExceptionLevels.*;
import static org.capazos.kernel.arch.Mmu.*;

/**
 * The boot stage: the first code to run, at the start of {@code kernel.img} (QEMU loads it at 0x40080000 and
 * enters at {@code _start} with x0 = the device tree's address). It
 * <ol>
 * <li>parks every core but the first,</li>
 * <li>drops from EL2 to EL1 if it was entered at EL2,</li>
 * <li>zeroes its .bss, takes a temporary stack and installs vectors that report and halt,</li>
 * <li>maps the first 16 GiB of physical memory twice with 1 GiB blocks (identity through TTBR0, the
 *     higher-half direct map through TTBR1; the tables are built by the image build) and turns the MMU on,</li>
 * <li>fills a {@code boot_info} and jumps to the kernel's entry in the higher half.</li>
 * </ol>
 * Where the kernel is comes from the kernel's own link: the image generator defines {@code __kernel_*}
 * symbols for this stage, so no address is typed twice.
 */
public final class BootStage {
    /** 1 GiB blocks mapped by the boot tables: enough for the kernel, the DTB and the boot region. */
    static final int BOOT_MAPPED_GIB = 16;
    static final int STACK_SIZE = 16 * 1024;

    // symbols from linkscripts/boot.ld
    private static final Label BSS_START = Label.external("__boot_bss_start");
    private static final Label BSS_END = Label.external("__boot_bss_end");
    private static final Label BOOT_START = Label.external("__boot_start");
    private static final Label BOOT_END = Label.external("__boot_end");
    private static final Label RAM_BASE = Label.external("__ram_base");
    // symbols the image generator defines from the kernel's link
    private static final Label KERNEL_PHYS_BASE = Label.external("__kernel_phys_base");
    private static final Label KERNEL_VIRT_BASE = Label.external("__kernel_virt_base");
    private static final Label KERNEL_ENTRY = Label.external("__kernel_entry");
    private static final Label KERNEL_END = Label.external("__kernel_runtime_end_phys");

    private BootStage() { }

    public static Module build() {
        ModuleBuilder mb = new ModuleBuilder("boot");
        MacroAssembler a = new MacroAssembler(mb);
        Struct bi = BootInfo.LAYOUT;

        Label start = new Label("_start").global();
        Label park = new Label("park");
        Label atEl1 = new Label("at_el1");
        Label stackTop = new Label("boot_stack_top");
        Label bootInfo = new Label("boot_info").object().size(bi.size());

        // ---- translation tables, built now and linked in as data ---------------------------------------------
        // The direct map is VA = PA + 0xffff_0000_0000_0000, whose low 48 bits (all a walk looks at) equal the
        // PA: the identity tables (TTBR0) serve as the higher-half tables (TTBR1) too.
        a.section(".data.pagetables", Section.Kind.DATA);
        Label tables = new PageTableBuilder()
                .map(0, 0, 1L << L1_BLOCK_SHIFT, Mapping.DEVICE)
                .map(1L << L1_BLOCK_SHIFT, 1L << L1_BLOCK_SHIFT, (BOOT_MAPPED_GIB - 1L) << L1_BLOCK_SHIFT, Mapping.KERNEL_RWX)
                .emit(a, "boot_tables", 0);

        // ---- data: stack, boot_info ------------------------------------------------------------------------------
        a.bss();
        a.align(16);
        a.bind(bootInfo);
        a.space((int) bi.size());
        a.align(16);
        a.space(STACK_SIZE);
        a.bind(stackTop);

        // ---- entry ---------------------------------------------------------------------------------------------
        a.section(".text.boot", Section.Kind.CODE);
        a.bind(start);
        start.function();
        a.mov(x19, x0);                                    // x19: DTB physical address, kept to the end
        a.mrs(x9, MPIDR_EL1);
        a.and(x9, x9, 0xffffffL);                          // Aff2.Aff1.Aff0: 0 on the boot core
        a.cbnz(x9, park);

        a.mrs(x20, CURRENTEL);
        a.lsr(x20, x20, 2);                                // x20: the EL we were entered at
        a.cmp(x20, 2);
        a.b(Condition.NE, atEl1);
        // At EL2: let EL1 run AArch64 with the timers and FP untrapped, then "return" to EL1h, masked.
        a.mov(x9, HCR_RW);
        a.msr(HCR_EL2, x9);
        a.mrs(x9, CNTHCTL_EL2);
        a.orr(x9, x9, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
        a.msr(CNTHCTL_EL2, x9);
        a.msr(CNTVOFF_EL2, xzr);
        a.mov(x9, CPTR_EL2_NO_TRAPS);
        a.msr(CPTR_EL2, x9);
        a.mov(x9, SCTLR_EL1_RESET);
        a.msr(SCTLR_EL1, x9);
        a.mov(x9, SPSR_DAIF | SPSR_EL1H);
        a.msr(SPSR_EL2, x9);
        a.adr(x9, atEl1);
        a.msr(ELR_EL2, x9);
        a.eret();

        a.bind(atEl1);
        a.msr(DAIFSET, 0xf);
        a.mov(x9, CPACR_FPEN);
        a.msr(CPACR_EL1, x9);
        // Zero .bss (tables, boot_info, stack) before anything uses it.
        a.adrl(x9, BSS_START);
        a.adrl(x10, BSS_END);
        a.whileLoop(() -> {
            a.cmp(x9, x10);
            return Condition.LO;
        }, () -> a.str(xzr, postIndex(x9, 8)));
        a.adrl(x9, stackTop);
        a.mov(sp, x9);

        // The console and the vectors live in .text; the boot flow goes on in .text.boot.
        Pl011 uart = Pl011.emit(a, null, Platform.UART_EARLY_PA);
        Print print = Print.emit(a, uart);
        ExceptionReport report = ExceptionReport.emit(a, print, "boot");
        Label vectors = report.vectors();
        a.section(".text.boot", Section.Kind.CODE);
        a.adrl(x9, vectors);
        a.msr(VBAR_EL1, x9);
        a.isb();
        print.print("CapazOS boot " + CapazOS.VERSION + "\n");
        print.printDec("boot: entered at EL", x20);
        print.printHex(", DTB at ", x19);
        a.adrl(x21, KERNEL_PHYS_BASE);
        print.printHex(", kernel at ", x21);
        print.print("\n");

        // ---- MMU on ----------------------------------------------------------------------------------------------
        a.mov(x9, MAIR);
        a.msr(MAIR_EL1, x9);
        a.mov(x9, TCR);
        a.mrs(x10, ID_AA64MMFR0_EL1);
        a.and(x10, x10, 0x7L);                             // PARange -> IPS (same encoding)
        a.bfi(x9, x10, TCR_IPS_SHIFT, TCR_IPS_WIDTH);
        a.msr(TCR_EL1, x9);
        a.adrl(x9, tables);                                // one set of tables serves both halves (see above)
        a.msr(TTBR0_EL1, x9);
        a.msr(TTBR1_EL1, x9);
        a.isb();
        a.tlbi(TLBI_VMALLE1);
        a.dsb(ISH);
        a.isb();
        a.mrs(x9, SCTLR_EL1);
        a.orrImm(x9, x9, SCTLR_M | SCTLR_C | SCTLR_I);
        a.msr(SCTLR_EL1, x9);
        a.isb();

        // ---- boot_info ---------------------------------------------------------------------------------------------
        a.adrl(x22, bootInfo);
        XReg t = x9;
        a.mov(t, BootInfo.MAGIC);
        a.str(t, bi.at(x22, "magic"));
        a.adrl(t, RAM_BASE);
        a.str(t, bi.at(x22, "ram_base"));
        a.adrl(t, KERNEL_PHYS_BASE);
        a.str(t, bi.at(x22, "kernel_phys_base"));
        a.movAddress(x23, KERNEL_VIRT_BASE);
        a.str(x23, bi.at(x22, "kernel_virt_base"));
        a.sub(x23, x23, t);                                // x23: the direct-map offset
        a.str(x23, bi.at(x22, "hh_offset"));
        a.adrl(t, KERNEL_END);
        a.str(t, bi.at(x22, "kernel_phys_end"));
        a.str(x19, bi.at(x22, "dtb_pa"));
        // The DTB's size is its big-endian totalsize field, if the magic (0xd00dfeed, big-endian) is there.
        a.mov(x10, 0L);
        a.ldr(w11, mem(x19));
        a.mov(w12, 0xedfe0dd0L);
        a.cmp(w11, w12);
        a.ifThen(Condition.EQ, () -> {
            a.ldr(w10, mem(x19, 4));
            a.rev(w10, w10);
        });
        a.str(x10, bi.at(x22, "dtb_size"));
        a.adrl(t, BOOT_START);
        a.str(t, bi.at(x22, "boot_start"));
        a.adrl(t, BOOT_END);
        a.str(t, bi.at(x22, "boot_end"));
        a.str(x20, bi.at(x22, "entry_el"));

        // ---- into the kernel: x0 = boot_info through the direct map; the stack stays physical ----------------
        a.add(x0, x22, x23);
        a.movAddress(x9, KERNEL_ENTRY);
        a.br(x9);

        // Secondary cores wait here for ever (PSCI CPU_ON would be the way to wake them later).
        a.bind(park);
        a.loop(a::wfe);
        start.size(a.position() - start.offset());
        report.emitSymbolTable(a);
        return mb.build();
    }
}
