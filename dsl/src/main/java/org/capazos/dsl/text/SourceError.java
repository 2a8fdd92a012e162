package org.capazos.dsl.text;

import java.util.List;

/**
 * One diagnostic of {@link SourceAssembler}, printed the way GNU and LLVM tools print theirs:
 * <pre>
 * boot.s:12:17: error: immediate out of range: add: operand imm = 5000 (0x1388) cannot be encoded ...
 *     add x0, x1, #5000
 *                 ^
 * </pre>
 * followed by one note per macro expansion the line came from ({@code while in macro instantiation}).
 *
 * @param file     the file name as given on the command line (or as {@code .include} found it)
 * @param line     the line, from 1 (0 if the error has no line, e.g. an unreadable input)
 * @param column   the column, from 1 (0 if none)
 * @param severity {@code error}, {@code warning} or {@code note}
 * @param message  what is wrong
 * @param source   the source line (without its newline), or null
 * @param notes    where the line came from (macro instantiations, outermost last)
 */
public record SourceError(String file, int line, int column, String severity, String message, String source,
                          List<SourceError> notes) {
    public SourceError {
        notes = List.copyOf(notes);
    }

    public boolean isError() {
        return severity.equals("error");
    }

    /** {@code file:line:column: severity: message}, the source line and a caret, then the notes. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(file);
        if (line > 0) sb.append(':').append(line);
        if (line > 0 && column > 0) sb.append(':').append(column);
        sb.append(": ").append(severity).append(": ").append(message).append('\n');
        if (source != null && line > 0) {
            sb.append(source).append('\n');
            int col = Math.max(1, column);
            for (int i = 0; i < col - 1; i++) sb.append(i < source.length() && source.charAt(i) == '\t' ? '\t' : ' ');
            sb.append("^\n");
        }
        for (SourceError n : notes) sb.append(n.format());
        return sb.toString();
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity + ": " + message;
    }
}
