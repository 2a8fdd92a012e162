package org.capazos.imagegen.elf;

/** The ELF64 constants the reader and writers use (System V ABI, ELF for the Arm 64-bit Architecture). */
public final class Elf {
    private Elf() { }

    public static final int ET_REL = 1, ET_EXEC = 2;
    public static final int EM_AARCH64 = 183;
    public static final int EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24, RELA_SIZE = 24;

    public static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4,
            SHT_NOTE = 7, SHT_NOBITS = 8, SHT_REL = 9, SHT_INIT_ARRAY = 14, SHT_FINI_ARRAY = 15,
            SHT_PREINIT_ARRAY = 16, SHT_GROUP = 17, SHT_SYMTAB_SHNDX = 18;

    public static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4, SHF_INFO_LINK = 0x40,
            SHF_GROUP = 0x200, SHF_TLS = 0x400;

    public static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;

    public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4,
            STT_TLS = 6;
    public static final int STV_HIDDEN = 2;

    public static final int PT_LOAD = 1;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    /** The name of an AArch64 relocation type for messages ({@code R_AARCH64_...}, or the number). */
    public static String relocationName(int type) {
        String known = switch (type) {
            case 0 -> "NONE";
            case 257 -> "ABS64";
            case 258 -> "ABS32";
            case 259 -> "ABS16";
            case 260 -> "PREL64";
            case 261 -> "PREL32";
            case 262 -> "PREL16";
            case 270 -> "MOVW_SABS_G0";
            case 271 -> "MOVW_SABS_G1";
            case 272 -> "MOVW_SABS_G2";
            case 287 -> "MOVW_PREL_G0";
            case 300 -> "MOVW_GOTOFF_G0";
            case 309 -> "GOTREL64";
            case 311 -> "ADR_GOT_PAGE";
            case 312 -> "LD64_GOT_LO12_NC";
            case 313 -> "LD64_GOTPAGE_LO15";
            case 1024 -> "COPY";
            case 1025 -> "GLOB_DAT";
            case 1026 -> "JUMP_SLOT";
            case 1027 -> "RELATIVE";
            case 1028 -> "TLS_DTPMOD";
            case 1031 -> "TLSDESC";
            case 1032 -> "IRELATIVE";
            default -> null;
        };
        if (known == null && type >= 512 && type < 1024) known = "TLS relocation " + type;
        return known == null ? "type " + type : "R_AARCH64_" + known + " (" + type + ")";
    }
}
