package org.capazos.imagegen.tools;

import java.util.Arrays;

/**
 * The executable jar's entry point: {@code java -jar capaz-tools.jar as|ld ARGS...} runs {@link CapazAs} or
 * {@link CapazLd} (the launchers in {@code build/bin} call those classes directly).
 */
public final class Tools {
    private Tools() { }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("Usage: java -jar capaz-tools.jar as|ld [ARGS...]   (or build/bin/capaz-as, capaz-ld)");
            System.exit(args.length == 0 ? 1 : 0);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "as", "capaz-as" -> CapazAs.main(rest);
            case "ld", "capaz-ld" -> CapazLd.main(rest);
            case "--version" -> System.out.println("capaz-tools " + version());
            case "--train" -> { // the class-data-sharing archive's training run (see Install)
                try {
                    System.exit(Install.train(java.nio.file.Path.of(rest[0])));
                } catch (java.io.IOException e) {
                    System.err.println("capaz-tools: " + e);
                    System.exit(1);
                }
            }
            default -> {
                System.err.println("capaz-tools: unknown tool '" + args[0] + "' (as or ld)");
                System.exit(1);
            }
        }
    }

    /** The version from the jar's manifest, or the source tree's. */
    static String version() {
        String v = Tools.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    /** A number as ld and as accept it: decimal, 0x hex, 0 octal, with an optional K or M suffix. */
    static long parseNumber(String s) {
        String t = s.strip();
        boolean neg = t.startsWith("-");
        if (neg) t = t.substring(1);
        long mul = 1;
        if (t.endsWith("K") || t.endsWith("k")) {
            mul = 1024;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("M") || t.endsWith("m")) {
            mul = 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        long v;
        if (t.startsWith("0x") || t.startsWith("0X")) v = Long.parseUnsignedLong(t.substring(2), 16);
        else if (t.length() > 1 && t.startsWith("0")) v = Long.parseUnsignedLong(t.substring(1), 8);
        else v = Long.parseUnsignedLong(t);
        v *= mul;
        return neg ? -v : v;
    }
}
