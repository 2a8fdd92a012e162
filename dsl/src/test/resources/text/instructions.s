// Operand shapes of the instructions kernel code uses, for the byte comparison with llvm-mc and for
// --show-encoding (no relocations here, so every encoding is final).
        .text
        add     x0, x1, #4095
        add     w2, w3, #1, lsl #12
        add     x4, sp, #16
        add     sp, sp, #0x100
        adds    x5, x6, x7
        add     x8, x9, x10, lsl #3
        add     w11, w12, w13, asr #2
        add     x14, x15, w16, uxtw #2
        add     x17, sp, x18
        sub     x0, x1, #1
        subs    w2, w3, #4095
        cmp     x4, #0
        cmn     w5, #1
        cmp     x6, x7, lsl #1
        neg     x8, x9
        and     x0, x1, #0xff
        and     w2, w3, #0xfffffff0
        orr     x4, x5, #0x5555555555555555
        eor     x6, x7, x8, ror #7
        ands    w9, w10, #1
        tst     x11, #0x8000000000000000
        bic     x12, x13, x14
        mvn     w15, w16
        mov     x0, #0
        mov     x1, #-1
        mov     w2, #0x10000
        mov     x3, #0xffff0000ffff0000
        mov     x4, x5
        mov     w6, wzr
        mov     sp, x7
        mov     x8, sp
        movz    x9, #0xbeef, lsl #32
        movk    x9, #0xdead, lsl #48
        movn    w10, #0
        lsl     x11, x12, #4
        lsr     w13, w14, #31
        asr     x15, x16, x17
        ubfx    x18, x19, #8, #8
        sbfx    w20, w21, #0, #16
        bfi     x22, x23, #4, #12
        ubfiz   x24, x25, #2, #30
        sxtw    x26, w27
        uxtb    w28, w0
        extr    x1, x2, x3, #17
        madd    x4, x5, x6, x7
        mul     w8, w9, w10
        msub    x11, x12, x13, x14
        smull   x15, w16, w17
        umulh   x18, x19, x20
        udiv    x21, x22, x23
        sdiv    w24, w25, w26
        rbit    x27, x28
        rev     w0, w1
        clz     x2, x3
        csel    x4, x5, x6, eq
        csinc   w7, w8, w9, ne
        cset    x10, hs
        csetm   w11, lo
        cinc    x12, x13, mi
        cneg    w14, w15, gt
        ccmp    x16, #5, #4, le
        ccmn    w17, w18, #0, vs
        ldr     x0, [x1]
        ldr     w2, [x3, #4092]
        ldr     x4, [sp, #32760]
        ldr     x5, [x6, #-8]
        ldur    w7, [x8, #-3]
        ldr     x9, [x10, #16]!
        ldr     x11, [x12], #-16
        ldr     x13, [x14, x15]
        ldr     x16, [x17, x18, lsl #3]
        ldr     w19, [x20, w21, uxtw #2]
        ldr     w22, [x23, w24, sxtw]
        ldrb    w25, [x26, #4095]
        ldrsb   x27, [x28, #1]
        ldrh    w0, [x1, #2]
        ldrsh   w2, [x3]
        ldrsw   x4, [x5, #8]
        str     x6, [sp, #-16]!
        str     w7, [x8], #4
        strb    w9, [x10, x11]
        strh    wzr, [x12, #6]
        stp     x29, x30, [sp, #-96]!
        ldp     x29, x30, [sp], #96
        stp     w0, w1, [x2, #8]
        ldp     x3, x4, [x5, #-512]
        ldnp    x6, x7, [x8]
        ldxr    x9, [x10]
        stxr    w11, x12, [x13]
        ldaxr   w14, [x15]
        stlxr   w16, w17, [x18]
        ldar    x19, [x20]
        stlr    w21, [x22]
        ldadd   x0, x1, [x2]
        ldaddal w3, w4, [x5]
        swpal   x6, x7, [x8]
        casal   x9, x10, [x11]
        stadd   w12, [x13]
        prfm    pldl1keep, [x0, #64]
        b       1f
        bl      1f
1:      b.eq    1b
        b.al    1b
        cbz     x0, 1b
        cbnz    w1, 1b
        tbz     x2, #40, 1b
        tbnz    w3, #7, 1b
        adr     x4, 1b
        br      x5
        blr     x6
        ret
        ret     x7
        eret
        nop
        yield
        wfe
        wfi
        sev
        sevl
        isb
        isb     sy
        dmb     ish
        dmb     oshld
        dsb     sy
        dsb     nsh
        svc     #0
        hvc     #0x1234
        smc     #1
        brk     #0x3e8
        hint    #34
        clrex
        mrs     x0, currentel
        mrs     x1, mpidr_el1
        mrs     x2, sctlr_el1
        msr     sctlr_el1, x3
        msr     vbar_el1, x4
        msr     ttbr0_el1, x5
        msr     tcr_el1, x6
        msr     mair_el1, x7
        msr     spsr_el1, x8
        msr     elr_el1, x9
        msr     sp_el0, x10
        msr     daifset, #0xf
        msr     daifclr, #2
        msr     spsel, #1
        mrs     x11, cntvct_el0
        msr     cntv_ctl_el0, x12
        tlbi    vmalle1is
        tlbi    vae1, x13
        dc      civac, x14
        dc      zva, x15
        ic      iallu
        ic      ivau, x16
        at      s1e1r, x17
        sys     #0, c7, c5, #0
        fmov    d0, x1
        fmov    x2, d3
        ldr     q4, [x5, #32]
        stp     q6, q7, [sp, #-32]!
        ldp     q6, q7, [sp], #32
        str     d8, [x9, #8]
        add     v0.4s, v1.4s, v2.4s
        movi    v3.16b, #0
        ld1     {v4.16b, v5.16b}, [x6]
        crc32x  w0, w1, x2
