package org.capazos.dsl.module;

import org.capazos.isa.RelocKind;

/**
 * A place the linker must patch: at {@code offset} in its section, {@code kind} of symbol + addend.
 *
 * @param offset the byte offset in the section
 * @param kind   the relocation kind
 * @param symbol the symbol's name (a symbol of the same module, or a section name for section-relative)
 * @param addend the addend
 * @param site   where it was made (a Java call site, or an object file and offset), for messages
 */
public record Relocation(long offset, RelocKind kind, String symbol, long addend, String site) { }
