package org.capazos.kernel.arch;

import org.capazos.dsl.layout.Layouts;

/** Register layouts for changing exception level (HCR_EL2, SPSR, CNTHCTL_EL2, CPTR_EL2, CPACR_EL1). */
public final class ExceptionLevels {
    private ExceptionLevels() { }

    /** HCR_EL2.RW: EL1 runs in AArch64. */
    public static final long HCR_RW = Layouts.HCR_EL2.bit("RW");
    /** SPSR.M for EL1 with SP_EL1 (EL1h), and the D, A, I, F mask bits. */
    public static final long SPSR_EL1H = Layouts.M_EL1H;
    public static final long SPSR_DAIF = Layouts.SPSR.of(0).set("D").set("A").set("I").set("F").value();
    /** CNTHCTL_EL2: EL1 may read the physical counter and timer. */
    public static final long CNTHCTL_EL1PCTEN = Layouts.CNTHCTL_EL2.bit("EL1PCTEN"),
            CNTHCTL_EL1PCEN = Layouts.CNTHCTL_EL2.bit("EL1PCEN");
    /** CPTR_EL2 with nothing trapped (its RES1 bits only: 13:12 and 9:0). */
    public static final long CPTR_EL2_NO_TRAPS = 0x33ffL;
    /** CPACR_EL1.FPEN = 0b11: no FP/SIMD traps at EL1 or EL0. */
    public static final long CPACR_FPEN = Layouts.CPACR_EL1.with("FPEN", 0b11).value();
}
