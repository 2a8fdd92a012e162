// Macros: arguments (positional, named, defaults, :req, :vararg), \@ and \(), local labels in bodies,
// conditionals and repetitions inside, nested definitions, recursion, .exitm and .purgem.
        .include "inc/common.inc"

        .macro  load_const reg:req, value=0
        movz    \reg, #(\value) & 0xffff
        .if ((\value) >> 16) & 0xffff
        movk    \reg, #((\value) >> 16) & 0xffff, lsl #16
        .endif
        .endm

        .macro  zero_regs first, rest:vararg
        mov     \first, xzr
        .ifnb   \rest
        zero_regs \rest
        .endif
        .endm

        .macro  spin_wait reg, count
        mov     \reg, #\count
1:      subs    \reg, \reg, #1
        b.ne    1b
        .endm

        .macro  label_gen name
\name\()_start_\@:
        nop
        .endm

        .macro  save_all
        .irp    n, 19, 21, 23
        stp     x\n, x\()\n, [sp, #-16]!
        .endr
        .endm

        .macro  only_small v
        .if \v > 100
        .exitm
        .endif
        .word   \v
        .endm

        .macro  outer
        .macro  inner_defined_by_outer
        mov     x0, #42
        .endm
        .endm

        .macro  func name
        .globl  \name
        .type   \name, %function
\name:
        .endm

        .macro  endfunc name
        .size   \name, . - \name
        .endm

        .text
        func    macro_test
        load_const x0, 0x1234
        load_const x1, 0x56789abc
        load_const reg=x2, value=7
        load_const x3
        zero_regs x4, x5, x6, x7
        spin_wait x8, 10
        spin_wait x9, 20
        label_gen alpha
        label_gen beta
        save_all
        SAVE_PAIR x1, x2, 32
        outer
        inner_defined_by_outer
        .purgem inner_defined_by_outer
        b       2f
        spin_wait x10 3
2:      ret
        endfunc macro_test

        .data
        only_small 5
        only_small 500
        only_small 99
        .rept   2
        .irp    v, 1, 2
        .byte   \v
        .endr
        .endr
