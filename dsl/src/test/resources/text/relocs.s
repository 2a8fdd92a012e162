// Every relocation operator and every instruction that refers to a symbol: to local labels of the same
// section (resolved by the assembler), to local labels of other sections (relocations against the section),
// to global symbols (relocations against the symbol) and to undefined ones.
        .text
        .globl  reloc_test
        .type   reloc_test, %function
reloc_test:
        b       local_here
        b       global_here
        b       extern_fn
        bl      local_here
        bl      extern_fn + 8
        b.eq    local_here
        b.ne    global_here
        b.hs    extern_fn
        cbz     x0, 1f
        cbnz    w1, extern_fn
        tbz     x2, #63, 1f
        tbnz    w3, #0, extern_fn
1:      adr     x4, local_here
        adr     x5, data_local
        adr     x6, extern_data + 4
        adrp    x7, data_local
        adrp    x8, extern_data     // (GNU as also spells this :pg_hi21:extern_data; llvm-mc 14 does not)
        adrp    x9, :pg_hi21_nc:data_global
        add     x7, x7, :lo12:data_local
        add     x8, x8, #:lo12:extern_data + 12
        ldrb    w10, [x7, :lo12:data_local]
        strb    w10, [x7, #:lo12:data_local]
        ldrsb   x10, [x7, :lo12:data_local]
        ldrh    w11, [x7, :lo12:data_h]
        strh    w11, [x7, :lo12:data_h]
        ldrsh   w11, [x7, :lo12:data_h]
        ldr     w12, [x7, :lo12:data_w]
        str     w12, [x7, :lo12:data_w]
        ldrsw   x12, [x7, :lo12:data_w]
        ldr     x13, [x7, :lo12:data_x]
        str     x13, [x7, :lo12:data_x]
        prfm    pldl1keep, [x7, :lo12:data_x]
        ldr     q14, [x7, :lo12:data_q]
        str     q14, [x7, :lo12:data_q]
        ldr     d15, [x7, :lo12:data_x]
        movz    x16, #:abs_g3:extern_data
        movk    x16, #:abs_g2_nc:extern_data
        movk    x16, #:abs_g1_nc:extern_data
        movk    x16, #:abs_g0_nc:extern_data
        movz    x17, #:abs_g2:data_global
        movz    x17, #:abs_g1:data_local
        movz    x17, #:abs_g0:small_const
        movz    w17, #:abs_g1:big_const
        movz    w17, #:abs_g0_nc:small_const
        movk    w17, #:abs_g1_nc:data_w
        movz    x18, #:abs_g0:ABS_CONST
        movk    x18, #:abs_g1_nc:ABS_CONST
        ldr     x19, literal
        ldr     w20, literal
        ldrsw   x21, literal
        ldr     x22, extern_lit
        prfm    pldl2strm, literal
        ldr     x23, =extern_data
        ldr     x24, =data_local + 8
        ldr     x25, =0xffffffff00000000
        ldr     x26, =ABS_CONST
        ldr     w27, =-2
        ldr     x23, =extern_data
        b       .
        b       . + 8
local_here:
        ret
        .balign 8
literal: .quad  0x1122334455667788
        .globl  global_here
global_here:
        ret
        .size   reloc_test, . - reloc_test

        .equ    ABS_CONST, 0xcafe
        .set    small_const, 0x1234
        .set    big_const, 0x12345678

        .data
        .balign 16
data_local: .quad 0
data_h: .hword 0
        .balign 4
data_w: .word  0
        .balign 8
data_x: .quad  0
        .balign 16
data_q: .quad  0, 0
        .globl  data_global
data_global:
        .quad   reloc_test
        .quad   data_local + 8
        .quad   extern_data - 16
        .word   extern_data
        .word   extern_data - .
        .hword  extern_data - . + 2
        .hword  data_h
        .quad   extern_data - .
        .word   local_here - reloc_test
        .quad   global_here - data_global
        .quad   .text + 4
        .word   data_x - .
