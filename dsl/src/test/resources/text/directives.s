// Every directive capaz-as supports, in the forms kernel sources use them.
// Assembled by capaz-as and llvm-mc -filetype=obj -triple=aarch64 -mattr=+v8.2a,+lse: same bytes, symbols,
// relocations.
        .include "inc/common.inc"
        .equ    UART_BASE, 0x09000000
        .set    COUNT, 3
        PAGE_SHIFT = 12
        PAGE_SIZE = 1 << PAGE_SHIFT
        .equ    FLAGS, (1 << 3) | (1 << 7) & ~1
        .set    MIXED, -(3 * 4) + 100 / 7 % 5 - (1 << 4 >> 2) ^ 0x55

        .text
        .globl  _start
        .type   _start, %function
_start:
        mov     x0, #UART_BASE >> 16
        movk    x0, #(UART_BASE & 0xffff)
        mov     x1, #INC_CONST
        SAVE_PAIR x29, x30
        SAVE_PAIR x19, x20, 16
        b       1f
        .balign 16
1:      nop
        .p2align 3
        add     x2, x2, #PAGE_SIZE - 1
        .align  4
        ret
        .size   _start, . - _start

        .global helper
        .type   helper, @function
helper: sub     sp, sp, #32 ; add sp, sp, #32 ; ret      // statements separated by ';'
        .size   helper, . - helper

        .local  private_fn
        .type   private_fn, %function
private_fn:
        .inst   0xd503201f, 0xd65f03c0
        .size   private_fn, 8

        .section .rodata.strings, "a", %progbits
        .type   banner, %object
banner: .ascii  "CapazOS\n"
        .asciz  "tab\there", "quote\"q"
        .string "octal\101\x42\\"
        .size   banner, . - banner
        .balign 8
table:  .byte   1, 2, 0xff, -1, 'A', '\n'
        .hword  0x1234, -2
        .short  7
        .2byte  8
        .word   0xdeadbeef, COUNT * 2
        .long   -1
        .4byte  FLAGS
        .quad   0x0123456789abcdef, MIXED
        .xword  PAGE_SIZE
        .8byte  table
        .word   table_end - table
table_end:

        .data
        .balign 8
        .globl  counter
counter: .quad  0
ptrs:   .quad   _start, helper + 4, counter, banner
        .word   _start - .
        .hword  1f - ptrs
1:      .byte   0
        .skip   3
        .space  4, 0xaa
        .zero   2
        .fill   3, 2, 0x1234
        .fill   2, 1
        .p2align 2, 0xcc
        .balign 16, 0, 15
        .org    . + 5, 0x11
        .weak   weak_ext
        .quad   weak_ext
        .quad   ext_sym + 16

        .bss
        .balign 16
        .globl  stack
stack:  .skip   4096
stack_top:
        .zero   16

        .section .bss.extra, "aw", %nobits
        .balign 8
extra:  .skip   24
        .size   extra, 24

        .section .data.rel, "aw"
        .quad   stack_top
        .rept   COUNT
        .word   0x1111
        .endr
        .irp    reg, 1, 2, 3
        .byte   \reg * 10
        .endr
        .irpc   ch, abc
        .ascii  "\ch"
        .endr

        .pushsection .text.init, "ax", %progbits
init:   mov     x0, #COUNT
        .if COUNT > 2
        mov     x1, #1
        .elseif COUNT > 1
        mov     x1, #2
        .else
        mov     x1, #3
        .endif
        .ifdef  UART_BASE
        mov     x2, #1
        .endif
        .ifndef NOT_DEFINED
        mov     x3, #1
        .endif
        .ifeq   COUNT - 3
        mov     x4, #1
        .endif
        .ifne   COUNT
        mov     x5, #1
        .endif
        .ifc    abc, abc
        mov     x6, #1
        .endif
        .ifnc   abc, abd
        mov     x7, #1
        .endif
        .if 0
        this would not assemble, but it is skipped
        .if 1
        neither would this
        .endif
        .endif
        ldr     x8, =0x1122334455667788
        ldr     x9, =counter
        ldr     w10, =0x12345
        ldr     x11, =0x10000
        .ltorg
        .pool
        ret
        .popsection
        .word   0x2222          // back in .data.rel
        .section .rodata.strings
        .word   0x4444
        .previous
        .word   0x3333          // .previous: .data.rel again

        .section .note.GNU-stack, "", %progbits
