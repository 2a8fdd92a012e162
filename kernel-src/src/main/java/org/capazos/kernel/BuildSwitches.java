package org.capazos.kernel;

import java.util.Map;

/**
 * The seed's build switches: {@code KMAIN_DEBUG=1} (the PMM self-test in kmain) and {@code CAPAZ_FAULT_TEST=1}
 * (a deliberate fault to show the exception report). Set as environment variables or as Maven/system
 * properties of the same name; a property wins over the environment.
 */
public record BuildSwitches(boolean kmainDebug, boolean faultTest) {
    public static final BuildSwitches DEFAULT = new BuildSwitches(false, false);

    /** The switches from the environment and system properties. */
    public static BuildSwitches fromEnvironment() {
        return new BuildSwitches(on("KMAIN_DEBUG"), on("CAPAZ_FAULT_TEST"));
    }

    /** The switches from a map of names to values ("1"/"true" switch on). */
    public static BuildSwitches of(Map<String, String> values) {
        return new BuildSwitches(isOn(values.get("KMAIN_DEBUG")), isOn(values.get("CAPAZ_FAULT_TEST")));
    }

    private static boolean on(String name) {
        String p = System.getProperty(name);
        return isOn(p != null ? p : System.getenv(name));
    }

    private static boolean isOn(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }
}
