        .text
        add     x0, x1, #5000
        .byte   256
        movz    x2, #0x12345
        tbz     x3, #64, .
        ldr     w0, =0x123456789
