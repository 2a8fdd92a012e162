/**
 * Link scripts: {@link org.capazos.imagegen.script.Lexer}, {@link org.capazos.imagegen.script.Parser} (the GNU ld
 * script language: {@code MEMORY}, {@code PHDRS}, {@code SECTIONS}, {@code INCLUDE}, sorting, fills, data
 * commands...) and {@link org.capazos.imagegen.script.Evaluator}, which evaluates expressions with GNU ld's
 * rules, including the section each value is relative to ({@link org.capazos.imagegen.script.Value}).
 *
 * <p>The meaning of every construct follows GNU ld; where GNU ld and ld.lld differ, GNU ld. The full list of
 * what is supported, and every difference, is in {@code docs/linker-scripts.md}. Anything else is an error
 * naming the construct at {@code file:line:column}.
 */
package org.capazos.imagegen.script;
