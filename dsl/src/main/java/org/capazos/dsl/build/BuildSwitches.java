package org.capazos.dsl.build;

import java.util.Map;
import java.util.TreeMap;

/**
 * Build switches ({@code KMAIN_DEBUG=1}, {@code CAPAZ_FAULT_TEST=1} or a project's own): names and values, from
 * the plugin's configuration, {@code -D} properties or the environment.
 */
public record BuildSwitches(Map<String, String> values) {
    public BuildSwitches {
        values = Map.copyOf(new TreeMap<>(values));
    }

    public static final BuildSwitches NONE = new BuildSwitches(Map.of());

    /** True if {@code name} is set to 1, true, yes or on. */
    public boolean isOn(String name) {
        String v = values.get(name);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on"));
    }

    public String get(String name) {
        return values.get(name);
    }
}
