package org.capazos.imagegen.script;

/**
 * A place in a link script, printed as {@code file:line:column} (both 1-based) in every error message.
 *
 * @param file   the script's name as given to the parser (usually its path)
 * @param line   the line, from 1
 * @param column the column, from 1
 */
public record SourceLocation(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
