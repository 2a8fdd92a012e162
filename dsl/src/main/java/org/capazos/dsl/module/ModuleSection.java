package org.capazos.dsl.module;

import java.util.List;

/**
 * A section of a module.
 *
 * @param name        e.g. {@code .text.boot}
 * @param flags       {@link #ALLOC}, {@link #WRITE}, {@link #EXEC} (the ELF SHF_* values)
 * @param nobits      true for .bss-like sections: a size but no bytes in the file
 * @param size        the size in bytes
 * @param alignment   the required alignment in bytes (a power of two)
 * @param bytes       the contents (empty for nobits)
 * @param relocations what the linker must patch
 * @param instructions byte offsets that hold instructions (for listings and disassembly), sorted
 */
public record ModuleSection(String name, int flags, boolean nobits, long size, long alignment, byte[] bytes,
                            List<Relocation> relocations, int[] instructions) {
    public static final int WRITE = 0x1, ALLOC = 0x2, EXEC = 0x4;

    public ModuleSection {
        relocations = List.copyOf(relocations);
    }

    public boolean isAlloc() {
        return (flags & ALLOC) != 0;
    }

    public boolean isExec() {
        return (flags & EXEC) != 0;
    }

    public boolean isWrite() {
        return (flags & WRITE) != 0;
    }
}
