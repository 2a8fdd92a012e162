package org.capazos.dsl;

/**
 * An instruction or directive the DSL cannot encode, or a label it cannot resolve. The message names the
 * instruction, the operand, the rule it broke and, where known, the Java call site ({@code File.java:42}).
 */
public class EncodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EncodingException(String message) {
        super(message);
    }
}
