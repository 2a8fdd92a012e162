package org.capazos.dsl.text;

/** An error in one statement: the message and the index in the line text the caret goes under. */
final class AsmError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int index;

    AsmError(int index, String message) {
        super(message, null, false, false);
        this.index = index;
    }
}
