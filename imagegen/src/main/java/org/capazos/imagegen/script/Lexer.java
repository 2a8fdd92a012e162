package org.capazos.imagegen.script;

import org.capazos.imagegen.LinkException;

import java.util.List;

/**
 * Splits a link script into tokens. GNU ld's grammar needs two ways of reading a word: in expressions
 * ({@link Mode#EXPRESSION}) {@code *} and {@code -} are operators, while in section names and input section
 * patterns ({@link Mode#PATTERN}) they are part of the word, as in {@code /DISCARD/}, {@code .text.*} or
 * {@code .text-x}. The parser says which mode it wants for the next token.
 * Comments are {@code /* ... *}{@code /}.
 */
public final class Lexer {
    /** How a word is read. */
    public enum Mode { EXPRESSION, PATTERN }

    /** Operators, longest first so that the longest match wins. */
    private static final List<String> OPERATORS = List.of(
            "<<=", ">>=",
            "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "&=", "|=",
            "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "=", "?", ":", "(", ")", "{", "}",
            ";", ",");

    private final String file;
    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;

    /** A lexer over {@code text}, naming {@code file} in locations. */
    public Lexer(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** A saved position of the lexer. */
    public record Mark(int pos, int line, int lineStart) { }

    /** The current position, to come back to with {@link #reset}. */
    public Mark mark() {
        return new Mark(pos, line, lineStart);
    }

    /** Returns to a position saved with {@link #mark}. */
    public void reset(Mark m) {
        pos = m.pos;
        line = m.line;
        lineStart = m.lineStart;
    }

    /** The location of the next character. */
    public SourceLocation here() {
        return new SourceLocation(file, line, pos - lineStart + 1);
    }

    /** Reads the next token in {@code mode}. */
    public Token next(Mode mode) {
        skipSpaceAndComments();
        SourceLocation at = here();
        if (pos >= text.length()) return new Token(Token.Kind.EOF, "", 0, at);
        char c = text.charAt(pos);
        if (c == '"') return string(at);
        if (mode == Mode.PATTERN && isPatternChar(c)) return pattern(at);
        if (Character.isDigit(c) || (c == '$' && mode == Mode.EXPRESSION && isDollarNumber())) return number(at);
        if (isNameStart(c)) return name(at);
        for (String op : OPERATORS) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return new Token(Token.Kind.OP, op, 0, at);
            }
        }
        throw LinkException.at(at, "unexpected character '" + c + "'");
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("/*", pos)) {
                SourceLocation at = here();
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) throw LinkException.at(at, "unterminated comment");
                for (int i = pos; i < end; i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private Token string(SourceLocation at) {
        int end = text.indexOf('"', pos + 1);
        int nl = text.indexOf('\n', pos + 1);
        if (end < 0 || (nl >= 0 && nl < end)) throw LinkException.at(at, "unterminated string");
        String s = text.substring(pos + 1, end);
        pos = end + 1;
        return new Token(Token.Kind.STRING, s, 0, at);
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '.' || c == '$';
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || Character.isDigit(c);
    }

    private static boolean isPatternChar(char c) {
        return isNameChar(c) || c == '*' || c == '?' || c == '[' || c == ']' || c == '-' || c == '/' || c == '^'
                || c == '!' || c == '+' || c == '~';
    }

    private Token pattern(SourceLocation at) {
        int start = pos;
        while (pos < text.length() && isPatternChar(text.charAt(pos))) {
            if (text.startsWith("/*", pos)) break;
            pos++;
        }
        return new Token(Token.Kind.NAME, text.substring(start, pos), 0, at);
    }

    private Token name(SourceLocation at) {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) pos++;
        return new Token(Token.Kind.NAME, text.substring(start, pos), 0, at);
    }

    /**
     * A number as GNU ld reads one: {@code 0x}/{@code 0X} or {@code $} and hex digits, or digits with an optional
     * base suffix ({@code h}/{@code x} hex, {@code o} octal, {@code b} binary, {@code d} decimal; without one a
     * leading 0 means octal), then an optional {@code K} (x 1024) or {@code M} (x 1024 x 1024) suffix in either
     * case. Digits the base does not have are an error (GNU ld silently stops at them).
     */
    private Token number(SourceLocation at) {
        int start = pos;
        if (text.charAt(pos) == '$') pos++;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
        String word = text.substring(start, pos);
        String digits = word;
        long scale = 1;
        int radix;
        if (word.startsWith("$")) {
            digits = word.substring(1);
            radix = 16;
        } else {
            char last = Character.toUpperCase(word.charAt(word.length() - 1));
            boolean hexPrefix = word.length() > 2 && (word.startsWith("0x") || word.startsWith("0X"));
            if ((last == 'K' || last == 'M') && word.length() > 1) {
                scale = last == 'K' ? 1024 : 1024 * 1024;
                digits = word.substring(0, word.length() - 1);
            }
            if (hexPrefix) {
                radix = 16;
                digits = digits.substring(2);
            } else {
                char suffix = Character.toUpperCase(digits.charAt(digits.length() - 1));
                radix = switch (suffix) {
                    case 'H', 'X' -> 16;
                    case 'O' -> 8;
                    case 'B' -> 2;
                    case 'D' -> 10;
                    default -> 0;
                };
                if (radix != 0) digits = digits.substring(0, digits.length() - 1);
                else radix = digits.length() > 1 && digits.startsWith("0") ? 8 : 10;
            }
        }
        long v;
        try {
            if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) throw new NumberFormatException();
            v = Long.parseUnsignedLong(digits, radix);
        } catch (NumberFormatException e) {
            throw LinkException.at(at, "malformed number '" + word + "'");
        }
        return new Token(Token.Kind.NUMBER, word, v * scale, at);
    }

    /** True if the text at the current position is {@code $} followed by hex digits only (a GNU ld number). */
    private boolean isDollarNumber() {
        int i = pos + 1;
        if (i >= text.length() || Character.digit(text.charAt(i), 16) < 0) return false;
        while (i < text.length() && isNameChar(text.charAt(i))) {
            if (Character.digit(text.charAt(i), 16) < 0) return false;
            i++;
        }
        return true;
    }
}
