// The symbols relocs.s and directives.s leave undefined, for the link tests (weak_ext stays undefined: 0).
        .section .text.externs, "ax"
        .globl  extern_fn
        .type   extern_fn, %function
extern_fn:
        nop
        nop
        nop
        ret
        .size   extern_fn, . - extern_fn
        .balign 8
        .globl  extern_lit
extern_lit:
        .quad   0xfeedfacecafef00d

        .data
        .balign 16
        .globl  extern_data, ext_sym
        .type   extern_data, %object
extern_data:
        .quad   1, 2, 3, 4
        .size   extern_data, . - extern_data
ext_sym:
        .word   0x55aa55aa
