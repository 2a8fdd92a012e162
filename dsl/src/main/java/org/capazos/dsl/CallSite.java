package org.capazos.dsl;

import java.security.CodeSource;

/**
 * Finds the caller of the DSL: the first stack frame outside the DSL's own classes, so that an error names
 * the line of kernel (or test) code that asked for the bad instruction.
 */
public final class CallSite {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final CodeSource DSL = CallSite.class.getProtectionDomain().getCodeSource();

    private CallSite() { }

    /** {@code File.java:line} of the first caller outside the DSL (or outside {@code extraSkip} packages). */
    public static String find() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isDsl(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber())
                .orElse("?"));
    }

    private static boolean isDsl(Class<?> c) {
        if (c.getName().startsWith("java.") || c.getName().startsWith("jdk.")) return true;
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (DSL == null || cs == null) return c.getPackageName().startsWith("org.capazos.dsl");
        return cs.getLocation() != null && cs.getLocation().equals(DSL.getLocation())
                && !c.getSimpleName().endsWith("Test");
    }
}
