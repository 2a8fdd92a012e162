/**
 * The command-line tools: {@link org.capazos.imagegen.tools.CapazAs capaz-as} (the AArch64 subset of GNU as, through
 * {@link org.capazos.dsl.text.SourceAssembler}) and {@link org.capazos.imagegen.tools.CapazLd capaz-ld} (the
 * image generator's linker behind GNU ld's flags). {@code mvn package} installs them as launchers in
 * {@code build/bin} next to the executable jar {@code capaz-tools.jar} ({@link org.capazos.imagegen.tools.Install}).
 */
package org.capazos.imagegen.tools;
