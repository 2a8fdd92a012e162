package org.capazos.imagegen.link;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.LinkException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The symbols of the input modules: each module's locals and sections, and one table of global definitions.
 * Two strong (GLOBAL) definitions of a name are an error naming both modules; a GLOBAL one overrides WEAK ones.
 */
final class SymbolTable {
    /** A definition: a module symbol and the input section it is in (null for an absolute symbol). */
    record Definition(Module module, ModuleSymbol symbol, InputSection section) { }

    /** What a module-level name refers to. */
    record Target(Definition definition, String global) {
        static Target global(String name) {
            return new Target(null, name);
        }
    }

    private final Map<String, Definition> globals = new LinkedHashMap<>();
    private final Map<Module, Map<String, InputSection>> sectionsByModule = new HashMap<>();
    private final Map<Module, Map<String, ModuleSymbol>> symbolsByModule = new HashMap<>();

    SymbolTable(List<Module> modules, List<InputSection> inputs) {
        for (InputSection in : inputs)
            sectionsByModule.computeIfAbsent(in.module, m -> new LinkedHashMap<>()).putIfAbsent(in.name(), in);
        List<String> duplicates = new ArrayList<>();
        for (Module m : modules) {
            Map<String, ModuleSymbol> own = symbolsByModule.computeIfAbsent(m, k -> new HashMap<>());
            for (ModuleSymbol s : m.symbols()) {
                own.putIfAbsent(s.name(), s);
                if (s.binding() == ModuleSymbol.Binding.LOCAL || !s.isDefined()) continue;
                Definition d = new Definition(m, s, sectionOf(m, s));
                Definition old = globals.get(s.name());
                if (old == null || (old.symbol().binding() == ModuleSymbol.Binding.WEAK
                        && s.binding() == ModuleSymbol.Binding.GLOBAL)) {
                    globals.put(s.name(), d);
                } else if (s.binding() == ModuleSymbol.Binding.GLOBAL
                        && old.symbol().binding() == ModuleSymbol.Binding.GLOBAL) {
                    duplicates.add("duplicate symbol '" + s.name() + "': defined in module " + old.module().name()
                            + " (" + where(old.symbol()) + ") and in module " + m.name() + " (" + where(s) + ")");
                }
            }
        }
        if (!duplicates.isEmpty()) throw new LinkException(String.join("\n", duplicates));
    }

    private static String where(ModuleSymbol s) {
        return ModuleSymbol.ABSOLUTE.equals(s.section()) ? String.format("absolute 0x%x", s.value())
                : String.format("%s+0x%x", s.section(), s.value());
    }

    private InputSection sectionOf(Module m, ModuleSymbol s) {
        if (ModuleSymbol.ABSOLUTE.equals(s.section())) return null;
        InputSection in = sectionsByModule.getOrDefault(m, Map.of()).get(s.section());
        if (in == null) {
            ModuleSection ms = m.section(s.section());
            if (ms == null) throw new LinkException("module " + m.name() + ": symbol '" + s.name()
                    + "' is defined in section " + s.section() + ", which the module does not have");
            // a symbol in a non-allocatable section: kept, but has no address in the image
            return null;
        }
        return in;
    }

    /** The global definition of {@code name}, or null. */
    Definition global(String name) {
        return globals.get(name);
    }

    /** All global definitions, in module order. */
    Iterable<Definition> globals() {
        return globals.values();
    }

    /** The input section {@code name} of module {@code m}, or null. */
    InputSection section(Module m, String name) {
        return sectionsByModule.getOrDefault(m, Map.of()).get(name);
    }

    /**
     * What a relocation of module {@code m} against {@code name} refers to: the module's section symbol or
     * local symbol, or else the global {@code name} (to be found among globals, script symbols and defsyms).
     */
    Target resolve(Module m, String name) {
        ModuleSymbol s = symbolsByModule.getOrDefault(m, Map.of()).get(name);
        if (s != null && s.type() == ModuleSymbol.Type.SECTION) {
            return new Target(new Definition(m, new ModuleSymbol(s.name(), s.section(), s.value(), 0,
                    ModuleSymbol.Binding.LOCAL, ModuleSymbol.Type.SECTION), section(m, s.section())), null);
        }
        if (s != null && s.binding() == ModuleSymbol.Binding.LOCAL && s.isDefined())
            return new Target(new Definition(m, s, sectionOf(m, s)), null);
        if (s == null && section(m, name) != null) { // a section-relative reference without a section symbol
            return new Target(new Definition(m, new ModuleSymbol(name, name, 0, 0, ModuleSymbol.Binding.LOCAL,
                    ModuleSymbol.Type.SECTION), section(m, name)), null);
        }
        return Target.global(name);
    }

    /** True if module {@code m} declares {@code name} as a weak undefined symbol. */
    boolean isWeakUndefined(Module m, String name) {
        ModuleSymbol s = symbolsByModule.getOrDefault(m, Map.of()).get(name);
        return s != null && !s.isDefined() && s.binding() == ModuleSymbol.Binding.WEAK;
    }
}
