/**
 * Output files: flat binaries, {@code kernel.img}, link maps, listings and the reproducible {@code .tar.gz}
 * bundle, each written atomically by {@link org.capazos.imagegen.out.AtomicFiles}.
 */
package org.capazos.imagegen.out;
