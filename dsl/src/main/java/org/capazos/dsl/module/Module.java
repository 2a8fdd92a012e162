package org.capazos.dsl.module;

import java.util.List;

/**
 * What the DSL (or an ELF object reader) hands to the linker: sections with their bytes, the symbols they
 * define or need, and the relocations left for link time. Plain, immutable data in a fixed order, so the same
 * inputs always give the same image.
 *
 * @param name     the module's name (like an object file's name: used in link maps and messages)
 * @param sections the sections, in creation order
 * @param symbols  defined and undefined symbols, locals first
 */
public record Module(String name, List<ModuleSection> sections, List<ModuleSymbol> symbols) {
    public Module {
        sections = List.copyOf(sections);
        symbols = List.copyOf(symbols);
    }

    public ModuleSection section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public ModuleSymbol symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
