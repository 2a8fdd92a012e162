/**
 * The linker: {@link org.capazos.imagegen.link.Linker} places input sections as a link script says, resolves
 * symbols, applies relocations with {@link org.capazos.isa.RelocKind#apply} and returns a
 * {@link org.capazos.imagegen.link.LinkedImage}.
 *
 * <p>Choices: orphan sections are placed after the last output section (or refused, see
 * {@link org.capazos.imagegen.link.OrphanPolicy}); LMAs follow ld.lld (a section without {@code AT} keeps the
 * previous section's LMA-VMA offset); there is no garbage collection; one PT_LOAD per non-empty section.
 */
package org.capazos.imagegen.link;
