package org.capazos.imagegen.script;

import java.util.regex.Pattern;

/**
 * A wildcard pattern as GNU ld reads them in input section descriptions: {@code *} any run of characters,
 * {@code ?} one character, {@code [chars]} one of a set ({@code [!chars]} or {@code [^chars]} none of it).
 */
public final class Glob {
    private final String text;
    private final Pattern regex;

    private Glob(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    /** The glob for {@code text}. */
    public static Glob of(String text) {
        StringBuilder re = new StringBuilder();
        boolean plain = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '*' -> { re.append(".*"); plain = false; }
                case '?' -> { re.append('.'); plain = false; }
                case '[' -> {
                    int end = text.indexOf(']', i + 2);
                    if (end < 0) {
                        re.append("\\[");
                        break;
                    }
                    String set = text.substring(i + 1, end);
                    boolean neg = set.startsWith("!") || set.startsWith("^");
                    if (neg) set = set.substring(1);
                    re.append('[').append(neg ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\["))
                            .append(']');
                    i = end;
                    plain = false;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(text, plain ? null : Pattern.compile(re.toString()));
    }

    /** True if {@code s} matches the whole pattern. */
    public boolean matches(String s) {
        return regex == null ? text.equals(s) : regex.matcher(s).matches();
    }

    /** True if the pattern has no wildcard. */
    public boolean isLiteral() {
        return regex == null;
    }

    @Override
    public String toString() {
        return text;
    }
}
