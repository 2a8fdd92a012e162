        .text
        nop
        .include "does/not/exist.inc"
        .word   1
        .include "inc/common.inc"
        mov     x0, #INC_CONST
