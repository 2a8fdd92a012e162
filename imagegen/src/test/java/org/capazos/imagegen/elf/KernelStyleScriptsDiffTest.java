package org.capazos.imagegen.elf;

import org.capazos.dsl.Label;
import org.capazos.dsl.Lo12;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.module.Module;
import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.RawAssembler;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.Segment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.capazos.dsl.Registers.*;
import static org.capazos.imagegen.elf.Differential.Check.FULL;
import static org.capazos.imagegen.elf.Differential.Check.LOAD_IMAGE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Three link scripts in the style of well-known open kernels (test resources {@code kernel-style/...}, written
 * for this repository): a higher-half AArch64 kernel with PHDRS and /DISCARD/, a teaching kernel with INCLUDE
 * and a NOLOAD .bss, an RTOS image with MEMORY, SORT and constructor tables. Each links llvm-mc objects and a
 * DSL module (which ld.lld and GNU ld read through {@link ElfRelocatableWriter}) to the same bytes, segments
 * and symbols as ld.lld-14 and GNU ld.
 */
class KernelStyleScriptsDiffTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        Differential.requireLlvm();
    }

    /** Copies the resource scripts of {@code style} into the temporary directory; returns the main script. */
    Path scripts(String style, String main, String... others) throws IOException {
        for (String name : concat(main, others)) {
            try (InputStream in = getClass().getResourceAsStream("/kernel-style/" + style + "/" + name)) {
                assertNotNull(in, name);
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        return dir.resolve(main);
    }

    private static List<String> concat(String first, String... rest) {
        List<String> out = new ArrayList<>(List.of(first));
        out.addAll(List.of(rest));
        return out;
    }

    Path asm(String name, String source) throws IOException {
        return ExternalTools.assemble(dir, name, source);
    }

    /** Writes a DSL module as an object named like the module, for the reference linkers. */
    Path write(Module m) throws IOException {
        Path p = dir.resolve(m.name());
        Files.write(p, ElfRelocatableWriter.write(m));
        return p;
    }

    /** Our link uses the DSL module itself; the references read its object. */
    LinkedImage check(Path script, List<Path> objects, Module dsl, Differential.Check lld, Differential.Check gnu)
            throws IOException {
        List<Module> modules = new ArrayList<>();
        for (Path o : objects) modules.add(o.getFileName().toString().equals(dsl.name()) ? dsl : ElfObjectReader.read(o));
        LinkedImage ours = Differential.ours(script, modules);
        Differential.compare(ours, Files.readAllBytes(Differential.link(Differential.Ref.LLD, dir, script, objects,
                "lld.elf")), lld, Differential.Ref.LLD);
        if (Differential.haveGnu())
            Differential.compare(ours, Files.readAllBytes(Differential.link(Differential.Ref.GNU, dir, script, objects,
                    "gnu.elf")), gnu, Differential.Ref.GNU);
        // the DSL module read back from its object links to the same image
        List<Module> viaElf = new ArrayList<>();
        for (Path o : objects) viaElf.add(ElfObjectReader.read(o));
        LinkedImage again = Differential.ours(script, viaElf);
        for (int i = 0; i < ours.sections().size(); i++)
            assertArrayEquals(ours.sections().get(i).bytes(), again.sections().get(i).bytes());
        return ours;
    }

    /** A DSL module: a console driver with code, constant strings, data pointing at code and a buffer. */
    static Module console(String name, String textSection) {
        ModuleBuilder mb = new ModuleBuilder(name);
        RawAssembler a = new RawAssembler(mb.section(textSection, Section.Kind.CODE));
        Label putc = new Label("console_putc").global().function();
        Label banner = new Label("console_banner");
        Label buffer = new Label("console_buffer").global().object();
        a.bind(putc);
        a.adrp(x1, buffer);
        a.add(x1, x1, Lo12.lo12(buffer));
        a.adrp(x2, banner);
        a.add(x2, x2, Lo12.lo12(banner));
        a.ret();
        putc.size(a.position());
        a.switchTo(mb.section(".rodata.console", Section.Kind.RODATA));
        a.bind(banner);
        a.asciz("capaz console");
        Section data = mb.section(".data.console", Section.Kind.DATA);
        a.switchTo(data);
        Label ops = new Label("console_ops").global().object();
        a.align(8);
        a.bind(ops);
        a.quad(putc);
        a.quad(banner, 2);
        ops.size(16);
        a.switchTo(mb.section(".bss.console", Section.Kind.BSS));
        a.align(16);
        a.bind(buffer);
        a.space(512);
        buffer.size(512);
        return mb.build();
    }

    // ---- a higher-half AArch64 kernel with PHDRS and /DISCARD/ ------------------------------------------------

    @Test
    void higherHalfKernelWithPhdrsAndDiscard() throws IOException {
        Path script = scripts("higher-half", "kernel.ld");
        Path head = asm("head.o", """
                .section .head.text, "ax"
                .globl _text_entry
                _text_entry:
                    b primary_entry
                    .quad 0
                    .quad _end
                .text
                .globl primary_entry
                primary_entry:
                    adrp x0, __bss_start
                    add x0, x0, :lo12:__bss_start
                    ldr x1, =__bss_stop
                    ldr x2, =__initcall_start
                    bl start_kernel
                    b .
                .ltorg
                .section .init.text, "ax"
                .globl early_setup
                early_setup:
                    adrp x0, _sdata
                    ret
                .section .init.data, "aw"
                .p2align 3
                boot_args: .quad 0, 0
                """);
        Path core = asm("core.o", """
                .section .exception.text, "ax"
                .p2align 7
                .globl vectors
                vectors:
                    b .
                .section .text.hot, "ax"
                .globl fast_path
                fast_path:
                    ret
                .text
                .globl start_kernel
                .type start_kernel, %function
                start_kernel:
                1:  ldr x0, [x1]
                    bl console_putc
                    ret
                .size start_kernel, . - start_kernel
                .section .fixup, "ax"
                2:  b 1b
                .section __ex_table, "a"
                .p2align 3
                .quad 1b, 2b
                .section .initcall1.init, "a"
                .quad early_setup
                .section .initcall6.init, "a"
                .quad fast_path
                .section .rodata, "a"
                .asciz "AArch64 higher half"
                .section .data..page_aligned, "aw"
                .p2align 12
                .globl idmap_pg_dir
                idmap_pg_dir: .zero 4096
                .data
                .globl jiffies
                jiffies: .quad 0
                .comm kernel_stats, 64, 8
                .section .exit.text, "ax"
                cleanup: ret
                .section .discard.probes, "aw"
                .quad 0
                .section .comment, "MS", @progbits, 1
                .asciz "a compiler"
                """);
        Path note = asm("note.o", """
                .section .note.Linux, "a", %note
                .p2align 2
                .word 6, 4, 0x100
                .asciz "Linux"
                .p2align 2
                .word 0x00060900
                """);
        Module dsl = console("console", ".text.console");
        List<Path> objs = List.of(head, core, note, write(dsl));
        LinkedImage img = check(script, objs, dsl, FULL, FULL);
        assertEquals(0xffff800008000000L, img.symbolValue("_text"));
        assertEquals(0x40200000L, img.section(".head.text").orElseThrow().lma());
        assertEquals(4, img.segments().size());
        assertEquals(Segment.R | Segment.W, img.segments().get(2).flags());
        assertTrue(img.section(".exit.text").isEmpty() && img.section(".discard.probes").isEmpty());
        assertEquals(List.of(".notes"), img.segments().get(3).sections());
    }

    // ---- a teaching kernel with INCLUDE and a NOLOAD .bss ------------------------------------------------------

    @Test
    void teachingKernelWithIncludeAndNoloadBss() throws IOException {
        Path script = scripts("teaching", "kernel.ld", "memlayout.ld", "stacks.ld");
        Path entry = asm("entry.o", """
                .section .text.entry, "ax"
                .globl _entry
                _entry:
                    mrs x0, mpidr_el1
                    and x0, x0, #3
                    adrp x1, stack0_top
                    add x1, x1, :lo12:stack0_top
                    mov sp, x1
                    bl main
                    b .
                """);
        Path main = asm("main.o", """
                .text
                .globl main
                main:
                    adrp x0, etext
                    adrp x1, end
                    adrp x2, ticks
                    ldr x3, [x2, :lo12:ticks]
                    bl console_putc
                    ret
                .section .srodata, "a"
                .p2align 3
                digits: .quad 10
                .section .rodata, "a"
                .asciz "xv6-style kernel booting"
                .section .sdata, "aw"
                .p2align 2
                .globl ncpu
                ncpu: .word 4
                .data
                .p2align 3
                .globl ticks
                ticks: .quad 0
                .section .sbss, "aw", %nobits
                .p2align 3
                .globl panicked
                panicked: .zero 8
                .bss
                .p2align 4
                .globl proc_table
                proc_table: .zero 1000
                .section trampsec, "ax"
                .p2align 12
                .globl trampoline
                trampoline:
                    eret
                """);
        Module dsl = console("console", ".text.console");
        List<Path> objs = List.of(entry, main, write(dsl));
        LinkedImage img = check(script, objs, dsl, LOAD_IMAGE, FULL);
        assertTrue(img.section(".bss").orElseThrow().nobits());
        assertEquals(4 * 4096, img.symbolValue("stack0_top") - img.symbolValue("stack0"));
        assertEquals(0, img.symbolValue("etext") % 0x1000);
    }

    // ---- an RTOS image with MEMORY, SORT and constructor tables -------------------------------------------------

    @Test
    void rtosImageWithMemorySortAndConstructorTables() throws IOException {
        Path script = scripts("rtos", "board.ld");
        Path vectors = asm("vectors.o", """
                .section .vectors, "a"
                .p2align 3
                .quad _estack, Reset_Handler, Default_Handler, SysTick_Handler
                """);
        Path startup = asm("startup.o", """
                .section .text.startup, "ax"
                .globl Reset_Handler
                Reset_Handler:
                    ldr x0, =_sidata
                    ldr x1, =_sdata
                    ldr x2, =_edata
                    ldr x3, =_sbss
                    ldr x4, =_ebss
                    ldr x5, =__init_array_start
                    ldr x6, =__init_array_end
                    ldr x7, =__CTOR_LIST__
                    ldr x8, =end
                    bl main
                    b .
                .ltorg
                .text
                .globl Default_Handler
                Default_Handler: b .
                .section .init, "ax"
                    ret
                .section .fini, "ax"
                    ret
                """);
        Path app = asm("app.o", """
                .section .text.main, "ax"
                .p2align 2
                .globl main
                main:
                    bl console_putc
                    ret
                .section .text.SysTick_Handler, "ax"
                .p2align 4
                .globl SysTick_Handler
                SysTick_Handler:
                    adrp x0, tick_count
                    ret
                .section .text.tasks, "ax"
                .p2align 3
                task_idle: wfi
                .section .rodata.tasks, "a"
                .asciz "idle"
                .section .rodata.banner, "a"
                .asciz "RTOS"
                .section .init_array.00200, "aw"
                .quad task_idle
                .section .init_array.00100, "aw"
                .quad main
                .section .init_array, "aw"
                .quad SysTick_Handler
                .section .fini_array, "aw"
                .quad task_idle
                .section .preinit_array, "aw"
                .quad main
                .section .ctors.65000, "aw"
                .quad main
                .section .ctors, "aw"
                .quad task_idle
                .data
                .p2align 3
                .globl tick_count
                tick_count: .quad 0
                .section .data.tasks, "aw"
                .quad task_idle
                .bss
                .p2align 3
                ready_list: .zero 64
                .comm task_stacks, 1024, 16
                """);
        Module dsl = console("drivers", ".text.drivers");
        List<Path> objs = List.of(vectors, startup, app, write(dsl));
        LinkedImage img = check(script, objs, dsl, LOAD_IMAGE, FULL);
        assertEquals(0x40000000L, img.section(".data").orElseThrow().vma());
        assertEquals(img.symbolValue("_sidata"), img.section(".data").orElseThrow().lma());
        assertTrue(img.section(".data").orElseThrow().lma() < 0x100000L, ".data loads from FLASH");
        assertEquals(List.of("startup.o(.text.startup)", "app.o(.text.SysTick_Handler)", "app.o(.text.tasks)"),
                img.section(".text").orElseThrow().inputs().stream().limit(3).map(p -> p.module() + "(" + p.section()
                        + ")").toList(), ".text.startup first, then SORT_BY_ALIGNMENT: the 16-byte aligned one first");
    }
}
