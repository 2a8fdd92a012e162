package org.capazos.imagegen.link;

/**
 * One instruction of a linked image, for listings and disassembly.
 *
 * @param address the virtual address
 * @param word    the instruction word after relocation
 * @param module  the module it came from
 * @param section the input section it came from
 * @param offset  the offset in that input section
 */
public record ListingRecord(long address, int word, String module, String section, long offset) { }
