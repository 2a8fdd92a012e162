package org.capazos.dsl;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The cache, TLB and address-translation operations (dc, ic, tlbi, at), which are sys instructions named by
 * op1, CRn, CRm and op2. This class is the one place those numbers are written (and, in {@link Prefetch}, the
 * prefetch operations of prfm).
 */
public final class SystemOperation {
    /** Which instruction an operation belongs to. */
    public enum Group { DC, IC, TLBI, AT }

    /**
     * The named operations of prfm and prfum: the kind of access (load, instruction, store), the cache level
     * and the policy (keep, or streaming). Any other operation number 0..31 can be given as an int.
     */
    public enum Prefetch {
        PLDL1KEEP(0), PLDL1STRM(1), PLDL2KEEP(2), PLDL2STRM(3), PLDL3KEEP(4), PLDL3STRM(5),
        PLIL1KEEP(8), PLIL1STRM(9), PLIL2KEEP(10), PLIL2STRM(11), PLIL3KEEP(12), PLIL3STRM(13),
        PSTL1KEEP(16), PSTL1STRM(17), PSTL2KEEP(18), PSTL2STRM(19), PSTL3KEEP(20), PSTL3STRM(21);

        /** The 5-bit prfop field. */
        public final int code;

        Prefetch(int code) {
            this.code = code;
        }

        /** GNU spelling, lower case. */
        public String gnu() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The operation named {@code name} (case-insensitive), or null. */
        public static Prefetch byName(String name) {
            for (Prefetch p : values()) if (p.name().equalsIgnoreCase(name)) return p;
            return null;
        }
    }

    private static final Map<String, SystemOperation> BY_NAME = new LinkedHashMap<>();

    public final Group group;
    public final String name;
    public final int op1, crn, crm, op2;
    /** True if the operation takes a register (an address, or a set/way, or an ASID). */
    public final boolean takesRegister;

    public static final SystemOperation DC_IVAC = define(Group.DC, "ivac", 0, 7, 6, 1, true);
    public static final SystemOperation DC_ISW = define(Group.DC, "isw", 0, 7, 6, 2, true);
    public static final SystemOperation DC_CSW = define(Group.DC, "csw", 0, 7, 10, 2, true);
    public static final SystemOperation DC_CISW = define(Group.DC, "cisw", 0, 7, 14, 2, true);
    public static final SystemOperation DC_ZVA = define(Group.DC, "zva", 3, 7, 4, 1, true);
    public static final SystemOperation DC_CVAC = define(Group.DC, "cvac", 3, 7, 10, 1, true);
    public static final SystemOperation DC_CVAU = define(Group.DC, "cvau", 3, 7, 11, 1, true);
    public static final SystemOperation DC_CIVAC = define(Group.DC, "civac", 3, 7, 14, 1, true);
    /** ARMv8.2 persistence */
    public static final SystemOperation DC_CVAP = define(Group.DC, "cvap", 3, 7, 12, 1, true);
    public static final SystemOperation IC_IALLUIS = define(Group.IC, "ialluis", 0, 7, 1, 0, false);
    public static final SystemOperation IC_IALLU = define(Group.IC, "iallu", 0, 7, 5, 0, false);
    public static final SystemOperation IC_IVAU = define(Group.IC, "ivau", 3, 7, 5, 1, true);
    public static final SystemOperation TLBI_VMALLE1IS = define(Group.TLBI, "vmalle1is", 0, 8, 3, 0, false);
    public static final SystemOperation TLBI_VAE1IS = define(Group.TLBI, "vae1is", 0, 8, 3, 1, true);
    public static final SystemOperation TLBI_ASIDE1IS = define(Group.TLBI, "aside1is", 0, 8, 3, 2, true);
    public static final SystemOperation TLBI_VAAE1IS = define(Group.TLBI, "vaae1is", 0, 8, 3, 3, true);
    public static final SystemOperation TLBI_VALE1IS = define(Group.TLBI, "vale1is", 0, 8, 3, 5, true);
    public static final SystemOperation TLBI_VAALE1IS = define(Group.TLBI, "vaale1is", 0, 8, 3, 7, true);
    public static final SystemOperation TLBI_VMALLE1 = define(Group.TLBI, "vmalle1", 0, 8, 7, 0, false);
    public static final SystemOperation TLBI_VAE1 = define(Group.TLBI, "vae1", 0, 8, 7, 1, true);
    public static final SystemOperation TLBI_ASIDE1 = define(Group.TLBI, "aside1", 0, 8, 7, 2, true);
    public static final SystemOperation TLBI_VAAE1 = define(Group.TLBI, "vaae1", 0, 8, 7, 3, true);
    public static final SystemOperation TLBI_VALE1 = define(Group.TLBI, "vale1", 0, 8, 7, 5, true);
    public static final SystemOperation TLBI_VAALE1 = define(Group.TLBI, "vaale1", 0, 8, 7, 7, true);
    public static final SystemOperation TLBI_IPAS2E1IS = define(Group.TLBI, "ipas2e1is", 4, 8, 0, 1, true);
    public static final SystemOperation TLBI_IPAS2LE1IS = define(Group.TLBI, "ipas2le1is", 4, 8, 0, 5, true);
    public static final SystemOperation TLBI_IPAS2E1 = define(Group.TLBI, "ipas2e1", 4, 8, 4, 1, true);
    public static final SystemOperation TLBI_IPAS2LE1 = define(Group.TLBI, "ipas2le1", 4, 8, 4, 5, true);
    public static final SystemOperation TLBI_ALLE2IS = define(Group.TLBI, "alle2is", 4, 8, 3, 0, false);
    public static final SystemOperation TLBI_VAE2IS = define(Group.TLBI, "vae2is", 4, 8, 3, 1, true);
    public static final SystemOperation TLBI_ALLE1IS = define(Group.TLBI, "alle1is", 4, 8, 3, 4, false);
    public static final SystemOperation TLBI_VALE2IS = define(Group.TLBI, "vale2is", 4, 8, 3, 5, true);
    public static final SystemOperation TLBI_VMALLS12E1IS = define(Group.TLBI, "vmalls12e1is", 4, 8, 3, 6, false);
    public static final SystemOperation TLBI_ALLE2 = define(Group.TLBI, "alle2", 4, 8, 7, 0, false);
    public static final SystemOperation TLBI_VAE2 = define(Group.TLBI, "vae2", 4, 8, 7, 1, true);
    public static final SystemOperation TLBI_ALLE1 = define(Group.TLBI, "alle1", 4, 8, 7, 4, false);
    public static final SystemOperation TLBI_VALE2 = define(Group.TLBI, "vale2", 4, 8, 7, 5, true);
    public static final SystemOperation TLBI_VMALLS12E1 = define(Group.TLBI, "vmalls12e1", 4, 8, 7, 6, false);
    public static final SystemOperation TLBI_ALLE3IS = define(Group.TLBI, "alle3is", 6, 8, 3, 0, false);
    public static final SystemOperation TLBI_VAE3IS = define(Group.TLBI, "vae3is", 6, 8, 3, 1, true);
    public static final SystemOperation TLBI_VALE3IS = define(Group.TLBI, "vale3is", 6, 8, 3, 5, true);
    public static final SystemOperation TLBI_ALLE3 = define(Group.TLBI, "alle3", 6, 8, 7, 0, false);
    public static final SystemOperation TLBI_VAE3 = define(Group.TLBI, "vae3", 6, 8, 7, 1, true);
    public static final SystemOperation TLBI_VALE3 = define(Group.TLBI, "vale3", 6, 8, 7, 5, true);
    public static final SystemOperation AT_S1E1R = define(Group.AT, "s1e1r", 0, 7, 8, 0, true);
    public static final SystemOperation AT_S1E1W = define(Group.AT, "s1e1w", 0, 7, 8, 1, true);
    public static final SystemOperation AT_S1E0R = define(Group.AT, "s1e0r", 0, 7, 8, 2, true);
    public static final SystemOperation AT_S1E0W = define(Group.AT, "s1e0w", 0, 7, 8, 3, true);
    /** ARMv8.2 */
    public static final SystemOperation AT_S1E1RP = define(Group.AT, "s1e1rp", 0, 7, 9, 0, true);
    /** ARMv8.2 */
    public static final SystemOperation AT_S1E1WP = define(Group.AT, "s1e1wp", 0, 7, 9, 1, true);
    public static final SystemOperation AT_S1E2R = define(Group.AT, "s1e2r", 4, 7, 8, 0, true);
    public static final SystemOperation AT_S1E2W = define(Group.AT, "s1e2w", 4, 7, 8, 1, true);
    public static final SystemOperation AT_S12E1R = define(Group.AT, "s12e1r", 4, 7, 8, 4, true);
    public static final SystemOperation AT_S12E1W = define(Group.AT, "s12e1w", 4, 7, 8, 5, true);
    public static final SystemOperation AT_S12E0R = define(Group.AT, "s12e0r", 4, 7, 8, 6, true);
    public static final SystemOperation AT_S12E0W = define(Group.AT, "s12e0w", 4, 7, 8, 7, true);
    public static final SystemOperation AT_S1E3R = define(Group.AT, "s1e3r", 6, 7, 8, 0, true);
    public static final SystemOperation AT_S1E3W = define(Group.AT, "s1e3w", 6, 7, 8, 1, true);

    private SystemOperation(Group group, String name, int op1, int crn, int crm, int op2, boolean takesRegister) {
        this.group = group; this.name = name; this.op1 = op1; this.crn = crn; this.crm = crm; this.op2 = op2;
        this.takesRegister = takesRegister;
    }

    private static SystemOperation define(Group g, String name, int op1, int crn, int crm, int op2, boolean reg) {
        SystemOperation o = new SystemOperation(g, name, op1, crn, crm, op2, reg);
        BY_NAME.put(g.name().toLowerCase(Locale.ROOT) + " " + name, o);
        return o;
    }

    /** The operation {@code name} of instruction {@code group} ("tlbi", "vmalle1"), or null. */
    public static SystemOperation byName(String group, String name) {
        return BY_NAME.get(group.toLowerCase(Locale.ROOT) + " " + name.toLowerCase(Locale.ROOT));
    }

    /** Every operation, in declaration order. */
    public static java.util.Collection<SystemOperation> all() { return BY_NAME.values(); }

    /** The 14-bit field op1:CRn:CRm:op2 of the sys instruction. */
    public int encoding() {
        return op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    @Override
    public String toString() { return group.name().toLowerCase(Locale.ROOT) + " " + name; }
}
