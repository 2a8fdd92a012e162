/**
 * ELF64 little-endian AArch64: {@link org.capazos.imagegen.elf.ElfObjectReader} (ET_REL in),
 * {@link org.capazos.imagegen.elf.ElfExecutableWriter} (ET_EXEC out),
 * {@link org.capazos.imagegen.elf.ElfRelocatableWriter} (ET_REL out, for ld.lld and GNU ld) and the parser
 * they share, {@link org.capazos.imagegen.elf.ElfFile}.
 */
package org.capazos.imagegen.elf;
