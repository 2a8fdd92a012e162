package org.capazos.dsl;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A system register for mrs and msr, named by its encoding (op0, op1, CRn, CRm, op2) as in the Arm
 * Architecture Reference Manual. This class is the one place those numbers are written; {@link #of} builds the
 * generic {@code S<op0>_<op1>_C<n>_C<m>_<op2>} form for any other register.
 */
public final class SystemRegister {
    private static final Map<String, SystemRegister> BY_NAME = new LinkedHashMap<>();

    public final String name;
    public final int op0, op1, crn, crm, op2;

    public static final SystemRegister SCTLR_EL1 = define("sctlr_el1", 3, 0, 1, 0, 0);
    public static final SystemRegister ACTLR_EL1 = define("actlr_el1", 3, 0, 1, 0, 1);
    public static final SystemRegister CPACR_EL1 = define("cpacr_el1", 3, 0, 1, 0, 2);
    public static final SystemRegister TTBR0_EL1 = define("ttbr0_el1", 3, 0, 2, 0, 0);
    public static final SystemRegister TTBR1_EL1 = define("ttbr1_el1", 3, 0, 2, 0, 1);
    public static final SystemRegister TCR_EL1 = define("tcr_el1", 3, 0, 2, 0, 2);
    public static final SystemRegister SPSR_EL1 = define("spsr_el1", 3, 0, 4, 0, 0);
    public static final SystemRegister ELR_EL1 = define("elr_el1", 3, 0, 4, 0, 1);
    public static final SystemRegister SP_EL0 = define("sp_el0", 3, 0, 4, 1, 0);
    public static final SystemRegister SPSEL = define("spsel", 3, 0, 4, 2, 0);
    public static final SystemRegister CURRENTEL = define("currentel", 3, 0, 4, 2, 2);
    public static final SystemRegister AFSR0_EL1 = define("afsr0_el1", 3, 0, 5, 1, 0);
    public static final SystemRegister AFSR1_EL1 = define("afsr1_el1", 3, 0, 5, 1, 1);
    public static final SystemRegister ESR_EL1 = define("esr_el1", 3, 0, 5, 2, 0);
    public static final SystemRegister FAR_EL1 = define("far_el1", 3, 0, 6, 0, 0);
    public static final SystemRegister PAR_EL1 = define("par_el1", 3, 0, 7, 4, 0);
    public static final SystemRegister MAIR_EL1 = define("mair_el1", 3, 0, 10, 2, 0);
    public static final SystemRegister AMAIR_EL1 = define("amair_el1", 3, 0, 10, 3, 0);
    public static final SystemRegister VBAR_EL1 = define("vbar_el1", 3, 0, 12, 0, 0);
    public static final SystemRegister ISR_EL1 = define("isr_el1", 3, 0, 12, 1, 0);
    public static final SystemRegister CONTEXTIDR_EL1 = define("contextidr_el1", 3, 0, 13, 0, 1);
    public static final SystemRegister TPIDR_EL1 = define("tpidr_el1", 3, 0, 13, 0, 4);
    public static final SystemRegister CNTKCTL_EL1 = define("cntkctl_el1", 3, 0, 14, 1, 0);
    public static final SystemRegister MIDR_EL1 = define("midr_el1", 3, 0, 0, 0, 0);
    public static final SystemRegister MPIDR_EL1 = define("mpidr_el1", 3, 0, 0, 0, 5);
    public static final SystemRegister REVIDR_EL1 = define("revidr_el1", 3, 0, 0, 0, 6);
    public static final SystemRegister ID_AA64PFR0_EL1 = define("id_aa64pfr0_el1", 3, 0, 0, 4, 0);
    public static final SystemRegister ID_AA64PFR1_EL1 = define("id_aa64pfr1_el1", 3, 0, 0, 4, 1);
    public static final SystemRegister ID_AA64DFR0_EL1 = define("id_aa64dfr0_el1", 3, 0, 0, 5, 0);
    public static final SystemRegister ID_AA64ISAR0_EL1 = define("id_aa64isar0_el1", 3, 0, 0, 6, 0);
    public static final SystemRegister ID_AA64ISAR1_EL1 = define("id_aa64isar1_el1", 3, 0, 0, 6, 1);
    public static final SystemRegister ID_AA64MMFR0_EL1 = define("id_aa64mmfr0_el1", 3, 0, 0, 7, 0);
    public static final SystemRegister ID_AA64MMFR1_EL1 = define("id_aa64mmfr1_el1", 3, 0, 0, 7, 1);
    public static final SystemRegister ID_AA64MMFR2_EL1 = define("id_aa64mmfr2_el1", 3, 0, 0, 7, 2);
    public static final SystemRegister MDSCR_EL1 = define("mdscr_el1", 2, 0, 0, 2, 2);
    public static final SystemRegister CTR_EL0 = define("ctr_el0", 3, 3, 0, 0, 1);
    public static final SystemRegister DCZID_EL0 = define("dczid_el0", 3, 3, 0, 0, 7);
    public static final SystemRegister NZCV = define("nzcv", 3, 3, 4, 2, 0);
    public static final SystemRegister DAIF = define("daif", 3, 3, 4, 2, 1);
    public static final SystemRegister TPIDR_EL0 = define("tpidr_el0", 3, 3, 13, 0, 2);
    public static final SystemRegister TPIDRRO_EL0 = define("tpidrro_el0", 3, 3, 13, 0, 3);
    public static final SystemRegister CNTFRQ_EL0 = define("cntfrq_el0", 3, 3, 14, 0, 0);
    public static final SystemRegister CNTPCT_EL0 = define("cntpct_el0", 3, 3, 14, 0, 1);
    public static final SystemRegister CNTVCT_EL0 = define("cntvct_el0", 3, 3, 14, 0, 2);
    public static final SystemRegister CNTP_TVAL_EL0 = define("cntp_tval_el0", 3, 3, 14, 2, 0);
    public static final SystemRegister CNTP_CTL_EL0 = define("cntp_ctl_el0", 3, 3, 14, 2, 1);
    public static final SystemRegister CNTP_CVAL_EL0 = define("cntp_cval_el0", 3, 3, 14, 2, 2);
    public static final SystemRegister CNTV_TVAL_EL0 = define("cntv_tval_el0", 3, 3, 14, 3, 0);
    public static final SystemRegister CNTV_CTL_EL0 = define("cntv_ctl_el0", 3, 3, 14, 3, 1);
    public static final SystemRegister CNTV_CVAL_EL0 = define("cntv_cval_el0", 3, 3, 14, 3, 2);
    public static final SystemRegister VPIDR_EL2 = define("vpidr_el2", 3, 4, 0, 0, 0);
    public static final SystemRegister VMPIDR_EL2 = define("vmpidr_el2", 3, 4, 0, 0, 5);
    public static final SystemRegister SCTLR_EL2 = define("sctlr_el2", 3, 4, 1, 0, 0);
    public static final SystemRegister HCR_EL2 = define("hcr_el2", 3, 4, 1, 1, 0);
    public static final SystemRegister MDCR_EL2 = define("mdcr_el2", 3, 4, 1, 1, 1);
    public static final SystemRegister CPTR_EL2 = define("cptr_el2", 3, 4, 1, 1, 2);
    public static final SystemRegister HSTR_EL2 = define("hstr_el2", 3, 4, 1, 1, 3);
    public static final SystemRegister TTBR0_EL2 = define("ttbr0_el2", 3, 4, 2, 0, 0);
    public static final SystemRegister TCR_EL2 = define("tcr_el2", 3, 4, 2, 0, 2);
    public static final SystemRegister VTTBR_EL2 = define("vttbr_el2", 3, 4, 2, 1, 0);
    public static final SystemRegister VTCR_EL2 = define("vtcr_el2", 3, 4, 2, 1, 2);
    public static final SystemRegister SPSR_EL2 = define("spsr_el2", 3, 4, 4, 0, 0);
    public static final SystemRegister ELR_EL2 = define("elr_el2", 3, 4, 4, 0, 1);
    public static final SystemRegister SP_EL1 = define("sp_el1", 3, 4, 4, 1, 0);
    public static final SystemRegister ESR_EL2 = define("esr_el2", 3, 4, 5, 2, 0);
    public static final SystemRegister FAR_EL2 = define("far_el2", 3, 4, 6, 0, 0);
    public static final SystemRegister HPFAR_EL2 = define("hpfar_el2", 3, 4, 6, 0, 4);
    public static final SystemRegister MAIR_EL2 = define("mair_el2", 3, 4, 10, 2, 0);
    public static final SystemRegister VBAR_EL2 = define("vbar_el2", 3, 4, 12, 0, 0);
    public static final SystemRegister TPIDR_EL2 = define("tpidr_el2", 3, 4, 13, 0, 2);
    public static final SystemRegister CNTVOFF_EL2 = define("cntvoff_el2", 3, 4, 14, 0, 3);
    public static final SystemRegister CNTHCTL_EL2 = define("cnthctl_el2", 3, 4, 14, 1, 0);
    public static final SystemRegister CNTHP_TVAL_EL2 = define("cnthp_tval_el2", 3, 4, 14, 2, 0);
    public static final SystemRegister CNTHP_CTL_EL2 = define("cnthp_ctl_el2", 3, 4, 14, 2, 1);
    public static final SystemRegister CNTHP_CVAL_EL2 = define("cnthp_cval_el2", 3, 4, 14, 2, 2);

    private SystemRegister(String name, int op0, int op1, int crn, int crm, int op2) {
        this.name = name; this.op0 = op0; this.op1 = op1; this.crn = crn; this.crm = crm; this.op2 = op2;
    }

    private static SystemRegister define(String name, int op0, int op1, int crn, int crm, int op2) {
        SystemRegister r = new SystemRegister(name, op0, op1, crn, crm, op2);
        BY_NAME.put(name, r);
        return r;
    }

    /** The generic register {@code S<op0>_<op1>_C<crn>_C<crm>_<op2>} (op0 is 2 or 3). */
    public static SystemRegister of(int op0, int op1, int crn, int crm, int op2) {
        if (op0 < 2 || op0 > 3 || op1 < 0 || op1 > 7 || crn < 0 || crn > 15 || crm < 0 || crm > 15 || op2 < 0 || op2 > 7)
            throw new IllegalArgumentException(String.format("no system register S%d_%d_C%d_C%d_%d: op0 must be 2..3, op1 and op2 0..7, CRn and CRm 0..15", op0, op1, crn, crm, op2));
        return new SystemRegister(String.format("s%d_%d_c%d_c%d_%d", op0, op1, crn, crm, op2), op0, op1, crn, crm, op2);
    }

    /** The register named {@code name} (case-insensitive, GNU spelling, or the generic form), or null. */
    public static SystemRegister byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        SystemRegister r = BY_NAME.get(n);
        if (r != null) return r;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("s([0-3])_([0-7])_c([0-9]+)_c([0-9]+)_([0-7])").matcher(n);
        if (!m.matches()) return null;
        try {
            return of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every named register, in declaration order. */
    public static java.util.Collection<SystemRegister> named() { return BY_NAME.values(); }

    /** The 15-bit field o0:op1:CRn:CRm:op2 of mrs/msr (o0 is op0 - 2). */
    public int encoding() {
        return (op0 - 2) << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    @Override
    public String toString() { return name; }
}
