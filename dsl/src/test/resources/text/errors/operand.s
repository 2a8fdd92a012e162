        .text
start:  add     x0, x1, w2
        mov     x0, #1
        ldr     x3, [x4, #1]!
        b.eq    start
        sub     x5, x6, #4096 + 1
        foo     x1, x2
