// Kernel-style source in the manner of Linux arm64's head.S and entry.S: SYM_* macros, adr_l/ldr_l/str_l,
// an exception vector table built with .rept and .org, register save/restore with .irp, system registers,
// literal pools, sections pushed and popped, and a boot-time page-table constant computed by expressions.
#define IGNORED_BY_AS 1
        .macro  SYM_FUNC_START name
        .globl  \name
        .type   \name, %function
        .balign 4
\name:
        .endm

        .macro  SYM_FUNC_END name
        .size   \name, . - \name
        .endm

        .macro  adr_l, dst, sym
        adrp    \dst, \sym
        add     \dst, \dst, :lo12:\sym
        .endm

        .macro  ldr_l, dst, sym, tmp=
        .ifb    \tmp
        adrp    \dst, \sym
        ldr     \dst, [\dst, :lo12:\sym]
        .else
        adrp    \tmp, \sym
        ldr     \dst, [\tmp, :lo12:\sym]
        .endif
        .endm

        .macro  str_l, src, sym, tmp
        adrp    \tmp, \sym
        str     \src, [\tmp, :lo12:\sym]
        .endm

        .macro  kernel_ventry, el, label
        .balign 128
        sub     sp, sp, #272
        stp     x0, x1, [sp, #16 * 0]
        b       el\el\()_\label
        .endm

        .equ    PAGE_SHIFT, 12
        .equ    PAGE_SIZE, 1 << PAGE_SHIFT
        .equ    PTE_VALID, 1 << 0
        .equ    PTE_TABLE, 1 << 1
        .equ    PTE_AF, 1 << 10
        .equ    PTE_SH_INNER, 3 << 8
        .equ    PTE_ATTRINDX_NORMAL, 1 << 2
        .equ    BLOCK_FLAGS, PTE_VALID | PTE_AF | PTE_SH_INNER | PTE_ATTRINDX_NORMAL
        .equ    TCR_T0SZ, (64 - 48)
        .equ    TCR_VALUE, TCR_T0SZ | (TCR_T0SZ << 16) | (1 << 8) | (1 << 10) | (3 << 12) | (5 << 32)
        .equ    SCTLR_MMU, (1 << 0) | (1 << 2) | (1 << 12)

        .section ".head.text", "ax"
        SYM_FUNC_START primary_entry
        mrs     x19, currentel
        cmp     x19, #(2 << 2)
        b.ne    1f
        mov     x0, #(1 << 31)
        msr     hcr_el2, x0
        adr     x1, 1f
        msr     elr_el2, x1
        mov     x2, #0x3c5
        msr     spsr_el2, x2
        eret
1:      adr_l   x0, vectors
        msr     vbar_el1, x0
        ldr     x1, =TCR_VALUE
        msr     tcr_el1, x1
        ldr     x2, =0x000000000044ff00
        msr     mair_el1, x2
        adr_l   x3, init_pg_dir
        msr     ttbr0_el1, x3
        isb
        mrs     x4, sctlr_el1
        mov     x5, #SCTLR_MMU
        orr     x4, x4, x5
        msr     sctlr_el1, x4
        isb
        ic      iallu
        dsb     nsh
        isb
        ldr_l   x5, boot_args
        ldr_l   x6, boot_args + 8, x7
        str_l   x5, saved_x0, x8
        ldr     x9, =start_kernel
        br      x9
        .ltorg
        SYM_FUNC_END primary_entry

        .text
        .pushsection .rodata, "a"
banner: .asciz  "Booting kernel\n"
        .popsection
        SYM_FUNC_START save_regs
        .irp    n, 19, 21, 23, 25, 27
        str     x\n, [sp, #-16]!
        .endr
        ret
        SYM_FUNC_END save_regs

        .balign 2048
vectors:
        kernel_ventry 1, sync_invalid
        kernel_ventry 1, irq_invalid
        kernel_ventry 1, fiq_invalid
        kernel_ventry 1, error_invalid
        .rept   12
        .balign 128
        b       .
        .endr
        .org    vectors + 0x800

        .irp    label, sync_invalid, irq_invalid, fiq_invalid, error_invalid
el1_\label:
        mrs     x0, esr_el1
        mrs     x1, far_el1
        b       .
        .endr

        .data
        .balign 8
boot_args: .quad 0, 0, 0, 0
saved_x0: .quad 0

        .section .bss..page_aligned, "aw", %nobits
        .balign PAGE_SIZE
init_pg_dir:
        .skip   3 * PAGE_SIZE
        .size   init_pg_dir, . - init_pg_dir

        .section .data.pgtable, "aw"
        .balign PAGE_SIZE
identity_table:
        .set    i, 0
        .rept   4
        .quad   (i << 30) | BLOCK_FLAGS
        .set    i, i + 1
        .endr
        .quad   init_pg_dir + PTE_TABLE + PTE_VALID
