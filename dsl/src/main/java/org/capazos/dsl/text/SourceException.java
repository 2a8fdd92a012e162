package org.capazos.dsl.text;

import java.util.List;

/** Thrown by {@link SourceAssembler#assembleOrThrow}: every error of the source, already formatted. */
public final class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<SourceError> errors;

    public SourceException(List<SourceError> errors) {
        super(format(errors));
        this.errors = List.copyOf(errors);
    }

    /** The diagnostics, in source order (warnings included). */
    public List<SourceError> errors() {
        return errors;
    }

    private static String format(List<SourceError> errors) {
        StringBuilder sb = new StringBuilder();
        for (SourceError e : errors) sb.append(e.format());
        return sb.toString();
    }
}
