package org.capazos.imagegen.script;

/**
 * One program header of a {@code PHDRS} command: {@code name TYPE [FILEHDR] [PHDRS] [FLAGS(e)];}.
 *
 * @param name           the name sections refer to with {@code :name}
 * @param type           the ELF {@code p_type} ({@code PT_LOAD} = 1...)
 * @param fileHeader     {@code FILEHDR}: the segment starts with the ELF file header
 * @param programHeaders {@code PHDRS}: the segment holds the program header table
 * @param flags          {@code FLAGS(e)}: the {@code p_flags} value, or null to take them from the sections
 * @param at             where the name is written
 */
public record PhdrSpec(String name, long type, boolean fileHeader, boolean programHeaders, Expr flags,
                       SourceLocation at) {
    public static final long PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_SHLIB = 5,
            PT_PHDR = 6, PT_TLS = 7, PT_GNU_EH_FRAME = 0x6474e550L, PT_GNU_STACK = 0x6474e551L,
            PT_GNU_RELRO = 0x6474e552L, PT_GNU_PROPERTY = 0x6474e553L;

    /** True if the segment holds the file header or the program headers. */
    public boolean holdsHeaders() {
        return fileHeader || programHeaders;
    }

    /** True for {@code PT_LOAD}. */
    public boolean isLoad() {
        return type == PT_LOAD;
    }
}
