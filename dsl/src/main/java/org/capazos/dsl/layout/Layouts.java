package org.capazos.dsl.layout;

/**
 * The system-register and descriptor layouts a kernel touches (Arm Architecture Reference Manual, chapter D17
 * for the registers, D8.3 for the descriptors), each described once.
 */
public final class Layouts {
    private Layouts() { }

    public static final BitLayout SCTLR_EL1 = BitLayout.named("SCTLR_EL1")
            .bit("M", 0).bit("A", 1).bit("C", 2).bit("SA", 3).bit("SA0", 4).bit("CP15BEN", 5).bit("nAA", 6)
            .bit("ITD", 7).bit("SED", 8).bit("UMA", 9).bit("EnRCTX", 10).bit("EOS", 11).bit("I", 12)
            .bit("EnDB", 13).bit("DZE", 14).bit("UCT", 15).bit("nTWI", 16).bit("nTWE", 18).bit("WXN", 19)
            .bit("TSCXT", 20).bit("IESB", 21).bit("EIS", 22).bit("SPAN", 23).bit("E0E", 24).bit("EE", 25)
            .bit("UCI", 26).bit("EnDA", 27).bit("nTLSMD", 28).bit("LSMAOE", 29).bit("EnIB", 30).bit("EnIA", 31)
            .build();

    public static final BitLayout TCR_EL1 = BitLayout.named("TCR_EL1")
            .field("T0SZ", 0, 6).bit("EPD0", 7).field("IRGN0", 8, 2).field("ORGN0", 10, 2).field("SH0", 12, 2)
            .field("TG0", 14, 2).field("T1SZ", 16, 6).bit("A1", 22).bit("EPD1", 23).field("IRGN1", 24, 2)
            .field("ORGN1", 26, 2).field("SH1", 28, 2).field("TG1", 30, 2).field("IPS", 32, 3).bit("AS", 36)
            .bit("TBI0", 37).bit("TBI1", 38).bit("HA", 39).bit("HD", 40)
            .build();

    /** TCR_EL1.TG0 and TG1 encode the granule differently. */
    public static final long TG0_4K = 0b00, TG1_4K = 0b10;
    /** Cacheability (IRGN/ORGN) write-back read/write-allocate; shareability inner. */
    public static final long CACHE_WBWA = 0b01, SHARE_INNER = 0b11;

    public static final BitLayout MAIR_EL1 = BitLayout.named("MAIR_EL1")
            .field("Attr0", 0, 8).field("Attr1", 8, 8).field("Attr2", 16, 8).field("Attr3", 24, 8)
            .field("Attr4", 32, 8).field("Attr5", 40, 8).field("Attr6", 48, 8).field("Attr7", 56, 8)
            .build();

    /** MAIR attribute encodings. */
    public static final long MAIR_DEVICE_nGnRnE = 0x00, MAIR_NORMAL_WB = 0xff, MAIR_NORMAL_NC = 0x44;

    public static final BitLayout ESR_EL1 = BitLayout.named("ESR_EL1")
            .field("ISS", 0, 25).bit("IL", 25).field("EC", 26, 6).field("ISS2", 32, 24)
            .build();

    /** ESR_EL1.EC values a kernel meets first. */
    public static final long EC_UNKNOWN = 0x00, EC_SVC64 = 0x15, EC_HVC64 = 0x16, EC_IABT_LOWER = 0x20,
            EC_IABT_SAME = 0x21, EC_PC_ALIGN = 0x22, EC_DABT_LOWER = 0x24, EC_DABT_SAME = 0x25, EC_SP_ALIGN = 0x26,
            EC_SERROR = 0x2f, EC_BRK = 0x3c;

    /** SPSR_EL1 / SPSR_EL2 in AArch64 state. */
    public static final BitLayout SPSR = BitLayout.named("SPSR")
            .field("M", 0, 4).bit("nRW", 4).bit("F", 6).bit("I", 7).bit("A", 8).bit("D", 9).bit("IL", 20)
            .bit("SS", 21).bit("PAN", 22).bit("UAO", 23).bit("V", 28).bit("C", 29).bit("Z", 30).bit("N", 31)
            .build();

    /** SPSR.M: the exception level and stack pointer to return to. */
    public static final long M_EL0T = 0b0000, M_EL1T = 0b0100, M_EL1H = 0b0101, M_EL2T = 0b1000, M_EL2H = 0b1001;

    public static final BitLayout HCR_EL2 = BitLayout.named("HCR_EL2")
            .bit("VM", 0).bit("SWIO", 1).bit("FMO", 3).bit("IMO", 4).bit("AMO", 5).bit("TGE", 27).bit("RW", 31)
            .bit("E2H", 34)
            .build();

    public static final BitLayout CNTHCTL_EL2 = BitLayout.named("CNTHCTL_EL2")
            .bit("EL1PCTEN", 0).bit("EL1PCEN", 1)
            .build();

    public static final BitLayout CPACR_EL1 = BitLayout.named("CPACR_EL1")
            .field("ZEN", 16, 2).field("FPEN", 20, 2)
            .build();

    public static final BitLayout ID_AA64MMFR0_EL1 = BitLayout.named("ID_AA64MMFR0_EL1")
            .field("PARange", 0, 4).field("ASIDBits", 4, 4).field("BigEnd", 8, 4).field("SNSMem", 12, 4)
            .field("TGran16", 20, 4).field("TGran64", 24, 4).field("TGran4", 28, 4)
            .build();

    /** A level 1-2 block or level 3 page descriptor (4 KiB granule, 48-bit output addresses). */
    public static final BitLayout BLOCK_DESCRIPTOR = BitLayout.named("descriptor")
            .bit("Valid", 0).bit("Table", 1).field("AttrIndx", 2, 3).bit("NS", 5).field("AP", 6, 2)
            .field("SH", 8, 2).bit("AF", 10).bit("nG", 11).field("OutputAddress", 12, 36).bit("Contiguous", 52)
            .bit("PXN", 53).bit("UXN", 54)
            .build();
}
