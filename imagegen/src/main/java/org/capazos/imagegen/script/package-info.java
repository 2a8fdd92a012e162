/**
 * Link scripts: {@link org.capazos.imagegen.script.Lexer}, {@link org.capazos.imagegen.script.Parser} (the
 * CapazOS subset of the GNU ld language; see the parser's Javadoc for the list) and
 * {@link org.capazos.imagegen.script.Evaluator}.
 *
 * <p>Differences from GNU ld worth knowing: {@code .} is always an absolute address (inside an output section
 * too, as in ld.lld: write {@code . = ADDR(sec) + n} or {@code . += n}); there is no {@code INCLUDE},
 * {@code PHDRS}, {@code OVERLAY}, {@code SORT}, {@code EXCLUDE_FILE}, data commands ({@code BYTE}...),
 * {@code FILL} or {@code =fill}: each is an error naming it. {@code MEMORY} regions with {@code >region} and
 * {@code AT>region} are supported; region attributes are read but not used.
 */
package org.capazos.imagegen.script;
