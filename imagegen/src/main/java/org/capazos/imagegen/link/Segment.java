package org.capazos.imagegen.link;

import java.util.List;

/**
 * A program header (ELF segment) of a linked image: as the script's {@code PHDRS} say, or else laid out as GNU
 * ld does (adjacent sections merged into one {@code PT_LOAD} while their load addresses stay contiguous within
 * a 64 KiB page, their LMA-VMA offsets agree, no loaded section follows a NOBITS one across a page and no
 * writable section starts a read-only segment's next page; then a {@code PT_NOTE} for each run of notes).
 *
 * @param type           {@code p_type} ({@link #PT_LOAD}, {@link #PT_NOTE}, {@link #PT_PHDR}...)
 * @param sections       the output sections it holds, in address order
 * @param vaddr          the virtual address ({@code p_vaddr}; the headers' address if it holds them)
 * @param paddr          the physical load address ({@code p_paddr})
 * @param fileSize       the bytes in the file ({@code p_filesz})
 * @param memSize        the bytes in memory ({@code p_memsz})
 * @param flags          {@link #R}, {@link #W}, {@link #X} (the ELF PF_* values)
 * @param align          {@code p_align}
 * @param fileHeader     the segment starts with the ELF file header (file offset 0)
 * @param programHeaders the segment holds the program header table
 */
public record Segment(long type, List<String> sections, long vaddr, long paddr, long fileSize, long memSize,
                      int flags, long align, boolean fileHeader, boolean programHeaders) {
    public static final int X = 1, W = 2, R = 4;
    public static final long PT_LOAD = 1, PT_NOTE = 4, PT_PHDR = 6;

    public Segment {
        sections = List.copyOf(sections);
    }

    /** True for {@code PT_LOAD}. */
    public boolean isLoad() {
        return type == PT_LOAD;
    }

    /** True if the segment holds the ELF header or the program headers. */
    public boolean holdsHeaders() {
        return fileHeader || programHeaders;
    }

    /** The first section it holds, or null. */
    public String section() {
        return sections.isEmpty() ? null : sections.get(0);
    }
}
