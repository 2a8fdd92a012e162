package org.capazos.imagegen.link;

import java.util.List;

/**
 * A section of a linked image.
 *
 * @param name      the output section's name
 * @param vma       the virtual (run-time) address
 * @param lma       the load (physical) address
 * @param size      the size in memory
 * @param alignment the largest alignment of its input sections and its {@code ALIGN(...)}
 * @param flags     {@link org.capazos.dsl.module.ModuleSection#ALLOC} / WRITE / EXEC
 * @param nobits    true if it occupies memory but no file bytes ({@code .bss}, {@code NOLOAD})
 * @param bytes     the contents after relocation ({@code size} bytes; empty if nobits). Do not modify.
 * @param inputs    the input sections placed in it, by address
 * @param orphan    true if no output section description of the script matched it (placed after the last one)
 */
public record OutputSection(String name, long vma, long lma, long size, long alignment, int flags, boolean nobits,
                            byte[] bytes, List<InputPiece> inputs, boolean orphan) {
    public OutputSection {
        inputs = List.copyOf(inputs);
    }

    /** True if the section has bytes in the file (progbits and not empty). */
    public boolean isLoaded() {
        return !nobits && size > 0;
    }

    /** The end of the section in memory (exclusive), as a virtual address. */
    public long vmaEnd() {
        return vma + size;
    }

    /** The end of the section in memory (exclusive), as a load address. */
    public long lmaEnd() {
        return lma + size;
    }

    /**
     * An input section as placed in an output section.
     *
     * @param module  the module's name
     * @param section the input section's name
     * @param vma     its virtual address
     * @param size    its size
     */
    public record InputPiece(String module, String section, long vma, long size) { }
}
