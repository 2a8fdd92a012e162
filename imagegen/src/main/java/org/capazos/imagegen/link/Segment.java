package org.capazos.imagegen.link;

/**
 * A loadable segment (ELF {@code PT_LOAD}) of a linked image: one per output section that occupies memory.
 *
 * @param section  the output section it holds
 * @param vaddr    the virtual address ({@code p_vaddr})
 * @param paddr    the physical load address ({@code p_paddr})
 * @param fileSize the bytes in the file ({@code p_filesz}; 0 for nobits)
 * @param memSize  the bytes in memory ({@code p_memsz})
 * @param flags    {@link #R}, {@link #W}, {@link #X} (the ELF PF_* values)
 * @param align    the alignment
 */
public record Segment(String section, long vaddr, long paddr, long fileSize, long memSize, int flags, long align) {
    public static final int X = 1, W = 2, R = 4;
}
