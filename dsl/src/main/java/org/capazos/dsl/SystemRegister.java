package org.capazos.dsl;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A system register for mrs and msr, named by its encoding (op0, op1, CRn, CRm, op2) as in the Arm
 * Architecture Reference Manual, with whether mrs may read it and msr may write it (LLVM and GNU as reject
 * {@code msr midr_el1, x0} and {@code mrs x0, oslar_el1}). This class is the one place those numbers are
 * written; {@link #of} builds the generic {@code S<op0>_<op1>_C<n>_C<m>_<op2>} form for any other register.
 */
public final class SystemRegister {
    /** Which of mrs and msr may name the register. */
    public enum Access {
        RW(true, true), RO(true, false), WO(false, true);

        final boolean read, write;

        Access(boolean read, boolean write) {
            this.read = read;
            this.write = write;
        }
    }

    private static final Map<String, SystemRegister> BY_NAME = new LinkedHashMap<>();
    private static final Access RW = Access.RW, RO = Access.RO, WO = Access.WO;

    public final String name;
    public final int op0, op1, crn, crm, op2;
    /** mrs may read it. */
    public final boolean readable;
    /** msr may write it. */
    public final boolean writable;

    // ---- identification (read-only)
    public static final SystemRegister MIDR_EL1 = define("midr_el1", 3, 0, 0, 0, 0, RO);
    public static final SystemRegister MPIDR_EL1 = define("mpidr_el1", 3, 0, 0, 0, 5, RO);
    public static final SystemRegister REVIDR_EL1 = define("revidr_el1", 3, 0, 0, 0, 6, RO);
    public static final SystemRegister ID_PFR0_EL1 = define("id_pfr0_el1", 3, 0, 0, 1, 0, RO);
    public static final SystemRegister ID_PFR1_EL1 = define("id_pfr1_el1", 3, 0, 0, 1, 1, RO);
    public static final SystemRegister ID_DFR0_EL1 = define("id_dfr0_el1", 3, 0, 0, 1, 2, RO);
    public static final SystemRegister ID_AFR0_EL1 = define("id_afr0_el1", 3, 0, 0, 1, 3, RO);
    public static final SystemRegister ID_MMFR0_EL1 = define("id_mmfr0_el1", 3, 0, 0, 1, 4, RO);
    public static final SystemRegister ID_MMFR1_EL1 = define("id_mmfr1_el1", 3, 0, 0, 1, 5, RO);
    public static final SystemRegister ID_MMFR2_EL1 = define("id_mmfr2_el1", 3, 0, 0, 1, 6, RO);
    public static final SystemRegister ID_MMFR3_EL1 = define("id_mmfr3_el1", 3, 0, 0, 1, 7, RO);
    public static final SystemRegister ID_ISAR0_EL1 = define("id_isar0_el1", 3, 0, 0, 2, 0, RO);
    public static final SystemRegister ID_ISAR1_EL1 = define("id_isar1_el1", 3, 0, 0, 2, 1, RO);
    public static final SystemRegister ID_ISAR2_EL1 = define("id_isar2_el1", 3, 0, 0, 2, 2, RO);
    public static final SystemRegister ID_ISAR3_EL1 = define("id_isar3_el1", 3, 0, 0, 2, 3, RO);
    public static final SystemRegister ID_ISAR4_EL1 = define("id_isar4_el1", 3, 0, 0, 2, 4, RO);
    public static final SystemRegister ID_ISAR5_EL1 = define("id_isar5_el1", 3, 0, 0, 2, 5, RO);
    public static final SystemRegister ID_MMFR4_EL1 = define("id_mmfr4_el1", 3, 0, 0, 2, 6, RO);
    public static final SystemRegister MVFR0_EL1 = define("mvfr0_el1", 3, 0, 0, 3, 0, RO);
    public static final SystemRegister MVFR1_EL1 = define("mvfr1_el1", 3, 0, 0, 3, 1, RO);
    public static final SystemRegister MVFR2_EL1 = define("mvfr2_el1", 3, 0, 0, 3, 2, RO);
    public static final SystemRegister ID_AA64PFR0_EL1 = define("id_aa64pfr0_el1", 3, 0, 0, 4, 0, RO);
    public static final SystemRegister ID_AA64PFR1_EL1 = define("id_aa64pfr1_el1", 3, 0, 0, 4, 1, RO);
    public static final SystemRegister ID_AA64DFR0_EL1 = define("id_aa64dfr0_el1", 3, 0, 0, 5, 0, RO);
    public static final SystemRegister ID_AA64DFR1_EL1 = define("id_aa64dfr1_el1", 3, 0, 0, 5, 1, RO);
    public static final SystemRegister ID_AA64AFR0_EL1 = define("id_aa64afr0_el1", 3, 0, 0, 5, 4, RO);
    public static final SystemRegister ID_AA64AFR1_EL1 = define("id_aa64afr1_el1", 3, 0, 0, 5, 5, RO);
    public static final SystemRegister ID_AA64ISAR0_EL1 = define("id_aa64isar0_el1", 3, 0, 0, 6, 0, RO);
    public static final SystemRegister ID_AA64ISAR1_EL1 = define("id_aa64isar1_el1", 3, 0, 0, 6, 1, RO);
    public static final SystemRegister ID_AA64ISAR2_EL1 = define("id_aa64isar2_el1", 3, 0, 0, 6, 2, RO);
    public static final SystemRegister ID_AA64MMFR0_EL1 = define("id_aa64mmfr0_el1", 3, 0, 0, 7, 0, RO);
    public static final SystemRegister ID_AA64MMFR1_EL1 = define("id_aa64mmfr1_el1", 3, 0, 0, 7, 1, RO);
    public static final SystemRegister ID_AA64MMFR2_EL1 = define("id_aa64mmfr2_el1", 3, 0, 0, 7, 2, RO);
    public static final SystemRegister CCSIDR_EL1 = define("ccsidr_el1", 3, 1, 0, 0, 0, RO);
    public static final SystemRegister CLIDR_EL1 = define("clidr_el1", 3, 1, 0, 0, 1, RO);
    public static final SystemRegister AIDR_EL1 = define("aidr_el1", 3, 1, 0, 0, 7, RO);
    public static final SystemRegister CSSELR_EL1 = define("csselr_el1", 3, 2, 0, 0, 0, RW);
    public static final SystemRegister CTR_EL0 = define("ctr_el0", 3, 3, 0, 0, 1, RO);
    public static final SystemRegister DCZID_EL0 = define("dczid_el0", 3, 3, 0, 0, 7, RO);

    // ---- EL1 system control, translation, exceptions
    public static final SystemRegister SCTLR_EL1 = define("sctlr_el1", 3, 0, 1, 0, 0, RW);
    public static final SystemRegister ACTLR_EL1 = define("actlr_el1", 3, 0, 1, 0, 1, RW);
    public static final SystemRegister CPACR_EL1 = define("cpacr_el1", 3, 0, 1, 0, 2, RW);
    public static final SystemRegister TTBR0_EL1 = define("ttbr0_el1", 3, 0, 2, 0, 0, RW);
    public static final SystemRegister TTBR1_EL1 = define("ttbr1_el1", 3, 0, 2, 0, 1, RW);
    public static final SystemRegister TCR_EL1 = define("tcr_el1", 3, 0, 2, 0, 2, RW);
    public static final SystemRegister SPSR_EL1 = define("spsr_el1", 3, 0, 4, 0, 0, RW);
    public static final SystemRegister ELR_EL1 = define("elr_el1", 3, 0, 4, 0, 1, RW);
    public static final SystemRegister SP_EL0 = define("sp_el0", 3, 0, 4, 1, 0, RW);
    public static final SystemRegister SPSEL = define("spsel", 3, 0, 4, 2, 0, RW);
    public static final SystemRegister CURRENTEL = define("currentel", 3, 0, 4, 2, 2, RO);
    /** Privileged Access Never (ARMv8.1). */
    public static final SystemRegister PAN = define("pan", 3, 0, 4, 2, 3, RW);
    /** User Access Override (ARMv8.2). */
    public static final SystemRegister UAO = define("uao", 3, 0, 4, 2, 4, RW);
    public static final SystemRegister AFSR0_EL1 = define("afsr0_el1", 3, 0, 5, 1, 0, RW);
    public static final SystemRegister AFSR1_EL1 = define("afsr1_el1", 3, 0, 5, 1, 1, RW);
    public static final SystemRegister ESR_EL1 = define("esr_el1", 3, 0, 5, 2, 0, RW);
    /** RAS (ARMv8.2). */
    public static final SystemRegister ERRIDR_EL1 = define("erridr_el1", 3, 0, 5, 3, 0, RO);
    /** RAS (ARMv8.2). */
    public static final SystemRegister ERRSELR_EL1 = define("errselr_el1", 3, 0, 5, 3, 1, RW);
    public static final SystemRegister FAR_EL1 = define("far_el1", 3, 0, 6, 0, 0, RW);
    public static final SystemRegister PAR_EL1 = define("par_el1", 3, 0, 7, 4, 0, RW);
    public static final SystemRegister MAIR_EL1 = define("mair_el1", 3, 0, 10, 2, 0, RW);
    public static final SystemRegister AMAIR_EL1 = define("amair_el1", 3, 0, 10, 3, 0, RW);
    public static final SystemRegister VBAR_EL1 = define("vbar_el1", 3, 0, 12, 0, 0, RW);
    public static final SystemRegister RVBAR_EL1 = define("rvbar_el1", 3, 0, 12, 0, 1, RO);
    public static final SystemRegister RMR_EL1 = define("rmr_el1", 3, 0, 12, 0, 2, RW);
    public static final SystemRegister ISR_EL1 = define("isr_el1", 3, 0, 12, 1, 0, RO);
    /** RAS (ARMv8.2). */
    public static final SystemRegister DISR_EL1 = define("disr_el1", 3, 0, 12, 1, 1, RW);
    public static final SystemRegister CONTEXTIDR_EL1 = define("contextidr_el1", 3, 0, 13, 0, 1, RW);
    public static final SystemRegister TPIDR_EL1 = define("tpidr_el1", 3, 0, 13, 0, 4, RW);
    public static final SystemRegister CNTKCTL_EL1 = define("cntkctl_el1", 3, 0, 14, 1, 0, RW);

    // ---- EL0: flags, thread pointers, floating point, debug state
    public static final SystemRegister NZCV = define("nzcv", 3, 3, 4, 2, 0, RW);
    public static final SystemRegister DAIF = define("daif", 3, 3, 4, 2, 1, RW);
    public static final SystemRegister FPCR = define("fpcr", 3, 3, 4, 4, 0, RW);
    public static final SystemRegister FPSR = define("fpsr", 3, 3, 4, 4, 1, RW);
    public static final SystemRegister DSPSR_EL0 = define("dspsr_el0", 3, 3, 4, 5, 0, RW);
    public static final SystemRegister DLR_EL0 = define("dlr_el0", 3, 3, 4, 5, 1, RW);
    public static final SystemRegister TPIDR_EL0 = define("tpidr_el0", 3, 3, 13, 0, 2, RW);
    public static final SystemRegister TPIDRRO_EL0 = define("tpidrro_el0", 3, 3, 13, 0, 3, RW);

    // ---- generic timer
    public static final SystemRegister CNTFRQ_EL0 = define("cntfrq_el0", 3, 3, 14, 0, 0, RW);
    public static final SystemRegister CNTPCT_EL0 = define("cntpct_el0", 3, 3, 14, 0, 1, RO);
    public static final SystemRegister CNTVCT_EL0 = define("cntvct_el0", 3, 3, 14, 0, 2, RO);
    public static final SystemRegister CNTP_TVAL_EL0 = define("cntp_tval_el0", 3, 3, 14, 2, 0, RW);
    public static final SystemRegister CNTP_CTL_EL0 = define("cntp_ctl_el0", 3, 3, 14, 2, 1, RW);
    public static final SystemRegister CNTP_CVAL_EL0 = define("cntp_cval_el0", 3, 3, 14, 2, 2, RW);
    public static final SystemRegister CNTV_TVAL_EL0 = define("cntv_tval_el0", 3, 3, 14, 3, 0, RW);
    public static final SystemRegister CNTV_CTL_EL0 = define("cntv_ctl_el0", 3, 3, 14, 3, 1, RW);
    public static final SystemRegister CNTV_CVAL_EL0 = define("cntv_cval_el0", 3, 3, 14, 3, 2, RW);
    public static final SystemRegister CNTPS_TVAL_EL1 = define("cntps_tval_el1", 3, 7, 14, 2, 0, RW);
    public static final SystemRegister CNTPS_CTL_EL1 = define("cntps_ctl_el1", 3, 7, 14, 2, 1, RW);
    public static final SystemRegister CNTPS_CVAL_EL1 = define("cntps_cval_el1", 3, 7, 14, 2, 2, RW);

    // ---- performance monitors
    public static final SystemRegister PMCR_EL0 = define("pmcr_el0", 3, 3, 9, 12, 0, RW);
    public static final SystemRegister PMCNTENSET_EL0 = define("pmcntenset_el0", 3, 3, 9, 12, 1, RW);
    public static final SystemRegister PMCNTENCLR_EL0 = define("pmcntenclr_el0", 3, 3, 9, 12, 2, RW);
    public static final SystemRegister PMOVSCLR_EL0 = define("pmovsclr_el0", 3, 3, 9, 12, 3, RW);
    public static final SystemRegister PMSWINC_EL0 = define("pmswinc_el0", 3, 3, 9, 12, 4, WO);
    public static final SystemRegister PMSELR_EL0 = define("pmselr_el0", 3, 3, 9, 12, 5, RW);
    public static final SystemRegister PMCEID0_EL0 = define("pmceid0_el0", 3, 3, 9, 12, 6, RO);
    public static final SystemRegister PMCEID1_EL0 = define("pmceid1_el0", 3, 3, 9, 12, 7, RO);
    public static final SystemRegister PMCCNTR_EL0 = define("pmccntr_el0", 3, 3, 9, 13, 0, RW);
    public static final SystemRegister PMXEVTYPER_EL0 = define("pmxevtyper_el0", 3, 3, 9, 13, 1, RW);
    public static final SystemRegister PMXEVCNTR_EL0 = define("pmxevcntr_el0", 3, 3, 9, 13, 2, RW);
    public static final SystemRegister PMUSERENR_EL0 = define("pmuserenr_el0", 3, 3, 9, 14, 0, RW);
    public static final SystemRegister PMINTENSET_EL1 = define("pmintenset_el1", 3, 0, 9, 14, 1, RW);
    public static final SystemRegister PMINTENCLR_EL1 = define("pmintenclr_el1", 3, 0, 9, 14, 2, RW);
    public static final SystemRegister PMOVSSET_EL0 = define("pmovsset_el0", 3, 3, 9, 14, 3, RW);
    public static final SystemRegister PMCCFILTR_EL0 = define("pmccfiltr_el0", 3, 3, 14, 15, 7, RW);

    // ---- GICv3 CPU interface
    public static final SystemRegister ICC_PMR_EL1 = define("icc_pmr_el1", 3, 0, 4, 6, 0, RW);
    public static final SystemRegister ICC_IAR0_EL1 = define("icc_iar0_el1", 3, 0, 12, 8, 0, RO);
    public static final SystemRegister ICC_EOIR0_EL1 = define("icc_eoir0_el1", 3, 0, 12, 8, 1, WO);
    public static final SystemRegister ICC_HPPIR0_EL1 = define("icc_hppir0_el1", 3, 0, 12, 8, 2, RO);
    public static final SystemRegister ICC_BPR0_EL1 = define("icc_bpr0_el1", 3, 0, 12, 8, 3, RW);
    public static final SystemRegister ICC_AP0R0_EL1 = define("icc_ap0r0_el1", 3, 0, 12, 8, 4, RW);
    public static final SystemRegister ICC_AP1R0_EL1 = define("icc_ap1r0_el1", 3, 0, 12, 9, 0, RW);
    public static final SystemRegister ICC_DIR_EL1 = define("icc_dir_el1", 3, 0, 12, 11, 1, WO);
    public static final SystemRegister ICC_RPR_EL1 = define("icc_rpr_el1", 3, 0, 12, 11, 3, RO);
    public static final SystemRegister ICC_SGI1R_EL1 = define("icc_sgi1r_el1", 3, 0, 12, 11, 5, WO);
    public static final SystemRegister ICC_ASGI1R_EL1 = define("icc_asgi1r_el1", 3, 0, 12, 11, 6, WO);
    public static final SystemRegister ICC_SGI0R_EL1 = define("icc_sgi0r_el1", 3, 0, 12, 11, 7, WO);
    public static final SystemRegister ICC_IAR1_EL1 = define("icc_iar1_el1", 3, 0, 12, 12, 0, RO);
    public static final SystemRegister ICC_EOIR1_EL1 = define("icc_eoir1_el1", 3, 0, 12, 12, 1, WO);
    public static final SystemRegister ICC_HPPIR1_EL1 = define("icc_hppir1_el1", 3, 0, 12, 12, 2, RO);
    public static final SystemRegister ICC_BPR1_EL1 = define("icc_bpr1_el1", 3, 0, 12, 12, 3, RW);
    public static final SystemRegister ICC_CTLR_EL1 = define("icc_ctlr_el1", 3, 0, 12, 12, 4, RW);
    public static final SystemRegister ICC_SRE_EL1 = define("icc_sre_el1", 3, 0, 12, 12, 5, RW);
    public static final SystemRegister ICC_IGRPEN0_EL1 = define("icc_igrpen0_el1", 3, 0, 12, 12, 6, RW);
    public static final SystemRegister ICC_IGRPEN1_EL1 = define("icc_igrpen1_el1", 3, 0, 12, 12, 7, RW);
    public static final SystemRegister ICC_SRE_EL2 = define("icc_sre_el2", 3, 4, 12, 9, 5, RW);
    public static final SystemRegister ICH_HCR_EL2 = define("ich_hcr_el2", 3, 4, 12, 11, 0, RW);
    public static final SystemRegister ICH_VTR_EL2 = define("ich_vtr_el2", 3, 4, 12, 11, 1, RO);
    public static final SystemRegister ICH_MISR_EL2 = define("ich_misr_el2", 3, 4, 12, 11, 2, RO);
    public static final SystemRegister ICH_EISR_EL2 = define("ich_eisr_el2", 3, 4, 12, 11, 3, RO);
    public static final SystemRegister ICH_ELRSR_EL2 = define("ich_elrsr_el2", 3, 4, 12, 11, 5, RO);
    public static final SystemRegister ICH_VMCR_EL2 = define("ich_vmcr_el2", 3, 4, 12, 11, 7, RW);
    public static final SystemRegister ICC_CTLR_EL3 = define("icc_ctlr_el3", 3, 6, 12, 12, 4, RW);
    public static final SystemRegister ICC_SRE_EL3 = define("icc_sre_el3", 3, 6, 12, 12, 5, RW);
    public static final SystemRegister ICC_IGRPEN1_EL3 = define("icc_igrpen1_el3", 3, 6, 12, 12, 7, RW);

    // ---- debug
    public static final SystemRegister OSDTRRX_EL1 = define("osdtrrx_el1", 2, 0, 0, 0, 2, RW);
    public static final SystemRegister MDCCINT_EL1 = define("mdccint_el1", 2, 0, 0, 2, 0, RW);
    public static final SystemRegister MDSCR_EL1 = define("mdscr_el1", 2, 0, 0, 2, 2, RW);
    public static final SystemRegister OSDTRTX_EL1 = define("osdtrtx_el1", 2, 0, 0, 3, 2, RW);
    public static final SystemRegister OSECCR_EL1 = define("oseccr_el1", 2, 0, 0, 6, 2, RW);
    public static final SystemRegister DBGBVR0_EL1 = define("dbgbvr0_el1", 2, 0, 0, 0, 4, RW);
    public static final SystemRegister DBGBCR0_EL1 = define("dbgbcr0_el1", 2, 0, 0, 0, 5, RW);
    public static final SystemRegister DBGWVR0_EL1 = define("dbgwvr0_el1", 2, 0, 0, 0, 6, RW);
    public static final SystemRegister DBGWCR0_EL1 = define("dbgwcr0_el1", 2, 0, 0, 0, 7, RW);
    public static final SystemRegister DBGBVR1_EL1 = define("dbgbvr1_el1", 2, 0, 0, 1, 4, RW);
    public static final SystemRegister DBGBCR1_EL1 = define("dbgbcr1_el1", 2, 0, 0, 1, 5, RW);
    public static final SystemRegister DBGWVR1_EL1 = define("dbgwvr1_el1", 2, 0, 0, 1, 6, RW);
    public static final SystemRegister DBGWCR1_EL1 = define("dbgwcr1_el1", 2, 0, 0, 1, 7, RW);
    public static final SystemRegister MDRAR_EL1 = define("mdrar_el1", 2, 0, 1, 0, 0, RO);
    public static final SystemRegister OSLAR_EL1 = define("oslar_el1", 2, 0, 1, 0, 4, WO);
    public static final SystemRegister OSLSR_EL1 = define("oslsr_el1", 2, 0, 1, 1, 4, RO);
    public static final SystemRegister OSDLR_EL1 = define("osdlr_el1", 2, 0, 1, 3, 4, RW);
    public static final SystemRegister DBGPRCR_EL1 = define("dbgprcr_el1", 2, 0, 1, 4, 4, RW);
    public static final SystemRegister DBGCLAIMSET_EL1 = define("dbgclaimset_el1", 2, 0, 7, 8, 6, RW);
    public static final SystemRegister DBGCLAIMCLR_EL1 = define("dbgclaimclr_el1", 2, 0, 7, 9, 6, RW);
    public static final SystemRegister DBGAUTHSTATUS_EL1 = define("dbgauthstatus_el1", 2, 0, 7, 14, 6, RO);
    public static final SystemRegister MDCCSR_EL0 = define("mdccsr_el0", 2, 3, 0, 1, 0, RO);
    public static final SystemRegister DBGDTR_EL0 = define("dbgdtr_el0", 2, 3, 0, 4, 0, RW);
    public static final SystemRegister DBGDTRRX_EL0 = define("dbgdtrrx_el0", 2, 3, 0, 5, 0, RO);
    public static final SystemRegister DBGDTRTX_EL0 = define("dbgdtrtx_el0", 2, 3, 0, 5, 0, WO);
    public static final SystemRegister DBGVCR32_EL2 = define("dbgvcr32_el2", 2, 4, 0, 7, 0, RW);

    // ---- EL2
    public static final SystemRegister VPIDR_EL2 = define("vpidr_el2", 3, 4, 0, 0, 0, RW);
    public static final SystemRegister VMPIDR_EL2 = define("vmpidr_el2", 3, 4, 0, 0, 5, RW);
    public static final SystemRegister SCTLR_EL2 = define("sctlr_el2", 3, 4, 1, 0, 0, RW);
    public static final SystemRegister ACTLR_EL2 = define("actlr_el2", 3, 4, 1, 0, 1, RW);
    public static final SystemRegister HCR_EL2 = define("hcr_el2", 3, 4, 1, 1, 0, RW);
    public static final SystemRegister MDCR_EL2 = define("mdcr_el2", 3, 4, 1, 1, 1, RW);
    public static final SystemRegister CPTR_EL2 = define("cptr_el2", 3, 4, 1, 1, 2, RW);
    public static final SystemRegister HSTR_EL2 = define("hstr_el2", 3, 4, 1, 1, 3, RW);
    public static final SystemRegister HACR_EL2 = define("hacr_el2", 3, 4, 1, 1, 7, RW);
    public static final SystemRegister TTBR0_EL2 = define("ttbr0_el2", 3, 4, 2, 0, 0, RW);
    /** ARMv8.1 VHE. */
    public static final SystemRegister TTBR1_EL2 = define("ttbr1_el2", 3, 4, 2, 0, 1, RW);
    public static final SystemRegister TCR_EL2 = define("tcr_el2", 3, 4, 2, 0, 2, RW);
    public static final SystemRegister VTTBR_EL2 = define("vttbr_el2", 3, 4, 2, 1, 0, RW);
    public static final SystemRegister VTCR_EL2 = define("vtcr_el2", 3, 4, 2, 1, 2, RW);
    public static final SystemRegister DACR32_EL2 = define("dacr32_el2", 3, 4, 3, 0, 0, RW);
    public static final SystemRegister SPSR_EL2 = define("spsr_el2", 3, 4, 4, 0, 0, RW);
    public static final SystemRegister ELR_EL2 = define("elr_el2", 3, 4, 4, 0, 1, RW);
    public static final SystemRegister SP_EL1 = define("sp_el1", 3, 4, 4, 1, 0, RW);
    public static final SystemRegister SPSR_IRQ = define("spsr_irq", 3, 4, 4, 3, 0, RW);
    public static final SystemRegister SPSR_ABT = define("spsr_abt", 3, 4, 4, 3, 1, RW);
    public static final SystemRegister SPSR_UND = define("spsr_und", 3, 4, 4, 3, 2, RW);
    public static final SystemRegister SPSR_FIQ = define("spsr_fiq", 3, 4, 4, 3, 3, RW);
    public static final SystemRegister IFSR32_EL2 = define("ifsr32_el2", 3, 4, 5, 0, 1, RW);
    public static final SystemRegister AFSR0_EL2 = define("afsr0_el2", 3, 4, 5, 1, 0, RW);
    public static final SystemRegister AFSR1_EL2 = define("afsr1_el2", 3, 4, 5, 1, 1, RW);
    public static final SystemRegister ESR_EL2 = define("esr_el2", 3, 4, 5, 2, 0, RW);
    /** RAS (ARMv8.2). */
    public static final SystemRegister VSESR_EL2 = define("vsesr_el2", 3, 4, 5, 2, 3, RW);
    public static final SystemRegister FPEXC32_EL2 = define("fpexc32_el2", 3, 4, 5, 3, 0, RW);
    public static final SystemRegister FAR_EL2 = define("far_el2", 3, 4, 6, 0, 0, RW);
    public static final SystemRegister HPFAR_EL2 = define("hpfar_el2", 3, 4, 6, 0, 4, RW);
    public static final SystemRegister MAIR_EL2 = define("mair_el2", 3, 4, 10, 2, 0, RW);
    public static final SystemRegister AMAIR_EL2 = define("amair_el2", 3, 4, 10, 3, 0, RW);
    public static final SystemRegister VBAR_EL2 = define("vbar_el2", 3, 4, 12, 0, 0, RW);
    public static final SystemRegister RVBAR_EL2 = define("rvbar_el2", 3, 4, 12, 0, 1, RO);
    public static final SystemRegister RMR_EL2 = define("rmr_el2", 3, 4, 12, 0, 2, RW);
    /** RAS (ARMv8.2). */
    public static final SystemRegister VDISR_EL2 = define("vdisr_el2", 3, 4, 12, 1, 1, RW);
    /** ARMv8.1 VHE. */
    public static final SystemRegister CONTEXTIDR_EL2 = define("contextidr_el2", 3, 4, 13, 0, 1, RW);
    public static final SystemRegister TPIDR_EL2 = define("tpidr_el2", 3, 4, 13, 0, 2, RW);
    public static final SystemRegister CNTVOFF_EL2 = define("cntvoff_el2", 3, 4, 14, 0, 3, RW);
    public static final SystemRegister CNTHCTL_EL2 = define("cnthctl_el2", 3, 4, 14, 1, 0, RW);
    public static final SystemRegister CNTHP_TVAL_EL2 = define("cnthp_tval_el2", 3, 4, 14, 2, 0, RW);
    public static final SystemRegister CNTHP_CTL_EL2 = define("cnthp_ctl_el2", 3, 4, 14, 2, 1, RW);
    public static final SystemRegister CNTHP_CVAL_EL2 = define("cnthp_cval_el2", 3, 4, 14, 2, 2, RW);
    /** ARMv8.1 VHE. */
    public static final SystemRegister CNTHV_TVAL_EL2 = define("cnthv_tval_el2", 3, 4, 14, 3, 0, RW);
    /** ARMv8.1 VHE. */
    public static final SystemRegister CNTHV_CTL_EL2 = define("cnthv_ctl_el2", 3, 4, 14, 3, 1, RW);
    /** ARMv8.1 VHE. */
    public static final SystemRegister CNTHV_CVAL_EL2 = define("cnthv_cval_el2", 3, 4, 14, 3, 2, RW);

    // ---- EL1 and EL0 registers as an EL2 host sees them under VHE (ARMv8.1 E2H)
    public static final SystemRegister SCTLR_EL12 = define("sctlr_el12", 3, 5, 1, 0, 0, RW);
    public static final SystemRegister CPACR_EL12 = define("cpacr_el12", 3, 5, 1, 0, 2, RW);
    public static final SystemRegister TTBR0_EL12 = define("ttbr0_el12", 3, 5, 2, 0, 0, RW);
    public static final SystemRegister TTBR1_EL12 = define("ttbr1_el12", 3, 5, 2, 0, 1, RW);
    public static final SystemRegister TCR_EL12 = define("tcr_el12", 3, 5, 2, 0, 2, RW);
    public static final SystemRegister SPSR_EL12 = define("spsr_el12", 3, 5, 4, 0, 0, RW);
    public static final SystemRegister ELR_EL12 = define("elr_el12", 3, 5, 4, 0, 1, RW);
    public static final SystemRegister AFSR0_EL12 = define("afsr0_el12", 3, 5, 5, 1, 0, RW);
    public static final SystemRegister AFSR1_EL12 = define("afsr1_el12", 3, 5, 5, 1, 1, RW);
    public static final SystemRegister ESR_EL12 = define("esr_el12", 3, 5, 5, 2, 0, RW);
    public static final SystemRegister FAR_EL12 = define("far_el12", 3, 5, 6, 0, 0, RW);
    public static final SystemRegister MAIR_EL12 = define("mair_el12", 3, 5, 10, 2, 0, RW);
    public static final SystemRegister AMAIR_EL12 = define("amair_el12", 3, 5, 10, 3, 0, RW);
    public static final SystemRegister VBAR_EL12 = define("vbar_el12", 3, 5, 12, 0, 0, RW);
    public static final SystemRegister CONTEXTIDR_EL12 = define("contextidr_el12", 3, 5, 13, 0, 1, RW);
    public static final SystemRegister CNTKCTL_EL12 = define("cntkctl_el12", 3, 5, 14, 1, 0, RW);
    public static final SystemRegister CNTP_TVAL_EL02 = define("cntp_tval_el02", 3, 5, 14, 2, 0, RW);
    public static final SystemRegister CNTP_CTL_EL02 = define("cntp_ctl_el02", 3, 5, 14, 2, 1, RW);
    public static final SystemRegister CNTP_CVAL_EL02 = define("cntp_cval_el02", 3, 5, 14, 2, 2, RW);
    public static final SystemRegister CNTV_TVAL_EL02 = define("cntv_tval_el02", 3, 5, 14, 3, 0, RW);
    public static final SystemRegister CNTV_CTL_EL02 = define("cntv_ctl_el02", 3, 5, 14, 3, 1, RW);
    public static final SystemRegister CNTV_CVAL_EL02 = define("cntv_cval_el02", 3, 5, 14, 3, 2, RW);

    // ---- EL3 (for boot code that starts there)
    public static final SystemRegister SCTLR_EL3 = define("sctlr_el3", 3, 6, 1, 0, 0, RW);
    public static final SystemRegister ACTLR_EL3 = define("actlr_el3", 3, 6, 1, 0, 1, RW);
    public static final SystemRegister SCR_EL3 = define("scr_el3", 3, 6, 1, 1, 0, RW);
    public static final SystemRegister SDER32_EL3 = define("sder32_el3", 3, 6, 1, 1, 1, RW);
    public static final SystemRegister CPTR_EL3 = define("cptr_el3", 3, 6, 1, 1, 2, RW);
    public static final SystemRegister MDCR_EL3 = define("mdcr_el3", 3, 6, 1, 3, 1, RW);
    public static final SystemRegister TTBR0_EL3 = define("ttbr0_el3", 3, 6, 2, 0, 0, RW);
    public static final SystemRegister TCR_EL3 = define("tcr_el3", 3, 6, 2, 0, 2, RW);
    public static final SystemRegister SPSR_EL3 = define("spsr_el3", 3, 6, 4, 0, 0, RW);
    public static final SystemRegister ELR_EL3 = define("elr_el3", 3, 6, 4, 0, 1, RW);
    public static final SystemRegister SP_EL2 = define("sp_el2", 3, 6, 4, 1, 0, RW);
    public static final SystemRegister AFSR0_EL3 = define("afsr0_el3", 3, 6, 5, 1, 0, RW);
    public static final SystemRegister AFSR1_EL3 = define("afsr1_el3", 3, 6, 5, 1, 1, RW);
    public static final SystemRegister ESR_EL3 = define("esr_el3", 3, 6, 5, 2, 0, RW);
    public static final SystemRegister FAR_EL3 = define("far_el3", 3, 6, 6, 0, 0, RW);
    public static final SystemRegister MAIR_EL3 = define("mair_el3", 3, 6, 10, 2, 0, RW);
    public static final SystemRegister AMAIR_EL3 = define("amair_el3", 3, 6, 10, 3, 0, RW);
    public static final SystemRegister VBAR_EL3 = define("vbar_el3", 3, 6, 12, 0, 0, RW);
    public static final SystemRegister RVBAR_EL3 = define("rvbar_el3", 3, 6, 12, 0, 1, RO);
    public static final SystemRegister RMR_EL3 = define("rmr_el3", 3, 6, 12, 0, 2, RW);
    public static final SystemRegister TPIDR_EL3 = define("tpidr_el3", 3, 6, 13, 0, 2, RW);


    private SystemRegister(String name, int op0, int op1, int crn, int crm, int op2, Access access) {
        this.name = name;
        this.op0 = op0;
        this.op1 = op1;
        this.crn = crn;
        this.crm = crm;
        this.op2 = op2;
        this.readable = access.read;
        this.writable = access.write;
    }

    private static SystemRegister define(String name, int op0, int op1, int crn, int crm, int op2, Access access) {
        SystemRegister r = new SystemRegister(name, op0, op1, crn, crm, op2, access);
        if (BY_NAME.put(name, r) != null) throw new IllegalStateException("system register " + name + " defined twice");
        return r;
    }

    /** The generic register {@code S<op0>_<op1>_C<crn>_C<crm>_<op2>} (op0 is 2 or 3): readable and writable. */
    public static SystemRegister of(int op0, int op1, int crn, int crm, int op2) {
        if (op0 < 2 || op0 > 3 || op1 < 0 || op1 > 7 || crn < 0 || crn > 15 || crm < 0 || crm > 15 || op2 < 0
                || op2 > 7)
            throw new IllegalArgumentException(String.format("no system register S%d_%d_C%d_C%d_%d: op0 must be "
                    + "2..3, op1 and op2 0..7, CRn and CRm 0..15", op0, op1, crn, crm, op2));
        return new SystemRegister(String.format("s%d_%d_c%d_c%d_%d", op0, op1, crn, crm, op2), op0, op1, crn, crm,
                op2, RW);
    }

    private static final Pattern GENERIC = Pattern.compile("s([0-3])_([0-7])_c([0-9]+)_c([0-9]+)_([0-7])");

    /** The register named {@code name} (case-insensitive, GNU spelling, or the generic form), or null. */
    public static SystemRegister byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        SystemRegister r = BY_NAME.get(n);
        if (r != null) return r;
        Matcher m = GENERIC.matcher(n);
        if (!m.matches()) return null;
        try {
            return of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every named register, in declaration order. */
    public static Collection<SystemRegister> named() {
        return Collections.unmodifiableCollection(BY_NAME.values());
    }

    /** The 15-bit field o0:op1:CRn:CRm:op2 of mrs/msr (o0 is op0 - 2). */
    public int encoding() {
        return (op0 - 2) << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    @Override
    public String toString() {
        return name;
    }
}
