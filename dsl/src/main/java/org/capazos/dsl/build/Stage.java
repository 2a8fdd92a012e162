package org.capazos.dsl.build;

import org.capazos.dsl.module.Module;

import java.util.List;

/**
 * One linked part of an image.
 *
 * @param name       the output files' base name ({@code boot}, {@code kernel}, {@code hello})
 * @param linkScript the GNU ld script, relative to the project's base directory
 * @param modules    the modules linked together
 */
public record Stage(String name, String linkScript, List<Module> modules) {
    public Stage {
        modules = List.copyOf(modules);
    }
}
