/**
 * The image generator: links DSL {@link org.capazos.dsl.module.Module}s (and ELF objects) with GNU-ld-style
 * link scripts into ELF executables, flat binaries and CapazOS's {@code kernel.img}.
 *
 * <p>Entry point for a kernel build: {@link org.capazos.imagegen.ImageBuild}. Every error of this layer is a
 * {@link org.capazos.imagegen.LinkException} whose message names its place.
 */
package org.capazos.imagegen;
