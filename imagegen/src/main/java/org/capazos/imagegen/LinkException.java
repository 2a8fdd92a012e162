package org.capazos.imagegen;

import org.capazos.imagegen.script.SourceLocation;

/**
 * The one exception of the image generator: a link script that cannot be parsed or evaluated, a symbol that
 * cannot be resolved, a relocation that does not fit, an ELF object that cannot be read, an image that
 * cannot be assembled. The message always names the place: {@code file:line:column} for link scripts, the
 * module and site for symbols and relocations, the object file, section and offset for ELF input.
 */
public class LinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error whose message already names its place. */
    public LinkException(String message) {
        super(message);
    }

    /** An error whose message names its place, caused by {@code cause}. */
    public LinkException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error in a link script: the message is prefixed with {@code file:line:column: }. */
    public static LinkException at(SourceLocation where, String message) {
        return new LinkException(where + ": " + message);
    }
}
