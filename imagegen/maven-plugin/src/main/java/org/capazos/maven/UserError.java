package org.capazos.maven;

import org.apache.maven.plugin.MojoFailureException;

/**
 * Turns an exception thrown by the project's builders into a build failure that names the project's own
 * source line (the deepest frame whose class the project's class loader defined), not the plugin's.
 */
final class UserError {
    private UserError() { }

    static MojoFailureException from(Throwable t, ClassLoader projectLoader, String what) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String site = null;
        for (StackTraceElement e : root.getStackTrace()) {
            if (isProjectClass(e.getClassName(), projectLoader)) {
                site = e.getFileName() + ":" + e.getLineNumber();
                break;
            }
        }
        String message = root.getClass().getSimpleName() + ": " + root.getMessage();
        String line = site != null && !message.contains(site) ? message + " (at " + site + ")" : message;
        MojoFailureException f = new MojoFailureException(what + ": " + line);
        f.initCause(t);
        return f;
    }

    private static boolean isProjectClass(String name, ClassLoader projectLoader) {
        try {
            Class<?> c = Class.forName(name, false, projectLoader);
            return c.getClassLoader() == projectLoader;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
