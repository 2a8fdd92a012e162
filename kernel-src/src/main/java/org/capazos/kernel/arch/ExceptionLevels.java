package org.capazos.kernel.arch;

/** Register layouts for changing exception level (HCR_EL2, SPSR, CNTHCTL_EL2, CPTR_EL2, CPACR_EL1). */
public final class ExceptionLevels {
    private ExceptionLevels() { }

    /** HCR_EL2.RW: EL1 runs in AArch64. */
    public static final long HCR_RW = 1L << 31;
    /** SPSR.M for EL1 with SP_EL1 (EL1h), and the D, A, I, F mask bits. */
    public static final long SPSR_EL1H = 0b0101, SPSR_DAIF = 0xfL << 6;
    /** CNTHCTL_EL2: EL1 may read the physical counter and timer. */
    public static final long CNTHCTL_EL1PCTEN = 1L << 0, CNTHCTL_EL1PCEN = 1L << 1;
    /** CPTR_EL2 with nothing trapped (RES1 bits only). */
    public static final long CPTR_EL2_NO_TRAPS = 0x33ffL;
    /** CPACR_EL1.FPEN = 0b11: no FP/SIMD traps at EL1 or EL0. */
    public static final long CPACR_FPEN = 3L << 20;
}
