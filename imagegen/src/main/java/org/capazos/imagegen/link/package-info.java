/**
 * The linker: {@link org.capazos.imagegen.link.Linker} places input sections as a link script says, with GNU
 * ld's rules (input section order and sorting, memory regions and their attributes, load addresses, removal of
 * empty sections, common symbols, fills and data), resolves symbols, applies relocations with
 * {@link org.capazos.isa.RelocKind#apply} and returns a {@link org.capazos.imagegen.link.LinkedImage} whose
 * program headers are the script's {@code PHDRS} or GNU ld's own mapping
 * ({@link org.capazos.imagegen.link.Segment}).
 *
 * <p>Choices: orphan sections are placed after the last output section (or refused, see
 * {@link org.capazos.imagegen.link.OrphanPolicy}); there is no garbage collection. See
 * {@code docs/linker-scripts.md} for every rule and every difference from GNU ld and ld.lld.
 */
package org.capazos.imagegen.link;
