package org.capazos.dsl;

/** The options of dmb and dsb (the CRm field). */
public enum BarrierOption {
    OSHLD(1), OSHST(2), OSH(3), NSHLD(5), NSHST(6), NSH(7), ISHLD(9), ISHST(10), ISH(11), LD(13), ST(14), SY(15);

    public final int code;

    BarrierOption(int code) {
        this.code = code;
    }
}
