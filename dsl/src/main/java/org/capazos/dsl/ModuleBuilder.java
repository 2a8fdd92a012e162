package org.capazos.dsl;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the sections of one module (the DSL's counterpart of an object file) and turns them into a
 * {@link Module} for the linker: named labels become symbols, references that leave their section become
 * relocations, and anything left dangling is an error that names where it was used.
 */
public final class ModuleBuilder {
    private final String name;
    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final Map<String, Label> named = new HashMap<>();
    private final List<Label> ordered = new ArrayList<>();

    public ModuleBuilder(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The section {@code name}, created with {@code kind} on first use. */
    public Section section(String name, Section.Kind kind) {
        Section s = sections.get(name);
        if (s == null) {
            s = new Section(this, name, kind);
            sections.put(name, s);
        } else if (s.kind != kind) {
            throw new EncodingException("section " + name + " is " + s.kind + ", not " + kind + " (at "
                    + CallSite.find() + ")");
        }
        return s;
    }

    /** Notes a bound label; two different labels with one name are an error. */
    void register(Label l) {
        if (l.name == null) return;
        Label old = named.putIfAbsent(l.name, l);
        if (old != null && old != l)
            throw new EncodingException("symbol " + l.name + " is defined twice in module " + name + ": at "
                    + old.section.name + "+0x" + Integer.toHexString(old.offset) + " and again at " + CallSite.find());
        if (old == null) ordered.add(l);
    }

    /** Labels referenced before being bound; at build time those still unbound are externals. */
    private final List<Label> forwards = new ArrayList<>();

    void noteForward(Label l) {
        forwards.add(l);
    }

    /** The finished module. */
    public Module build() {
        List<String> dangling = new ArrayList<>();
        for (Label l : forwards) {
            if (l.isBound() || l.pending.isEmpty()) continue;
            for (Label.Fixup f : l.pending) {
                if (l.name == null) dangling.add(f.site());
                else f.section().refs.add(new Section.Ref(f.offset(), f.kind(), l, f.addend(), f.site()));
            }
            l.pending.clear();
        }
        if (!dangling.isEmpty())
            throw new EncodingException("module " + name + ": a label is used but never bound; used at "
                    + String.join(", ", dangling));
        List<ModuleSection> out = new ArrayList<>();
        Map<String, ModuleSymbol> undefined = new LinkedHashMap<>();
        for (Section s : sections.values()) {
            List<Relocation> relocs = new ArrayList<>();
            for (Section.Ref r : s.refs) {
                Label l = r.label();
                String sym = l.name;
                long addend = r.addend();
                if (l.isBound() && l.section.owner != this && l.name == null)
                    throw new EncodingException("module " + name + " refers to an anonymous label of module "
                            + l.section.owner.name + " at " + r.site() + ": give the label a name");
                if (l.name == null) { // bound here, anonymous: relative to its section
                    sym = l.section.name;
                    addend += l.offset;
                } else if (!l.isBound() || l.section.owner != this) {
                    undefined.putIfAbsent(l.name, new ModuleSymbol(l.name, null, 0, 0,
                            ModuleSymbol.Binding.GLOBAL, ModuleSymbol.Type.NOTYPE));
                }
                relocs.add(new Relocation(r.offset(), r.kind(), sym, addend, r.site()));
            }
            int flags = (s.kind.alloc ? ModuleSection.ALLOC : 0) | (s.kind.write ? ModuleSection.WRITE : 0)
                    | (s.kind.exec ? ModuleSection.EXEC : 0);
            out.add(new ModuleSection(s.name, flags, s.kind.nobits, s.size, s.alignment, s.bytes(), relocs,
                    s.instructionOffsets()));
        }
        List<ModuleSymbol> symbols = new ArrayList<>();
        for (Section s : sections.values())
            symbols.add(new ModuleSymbol(s.name, s.name, 0, 0, ModuleSymbol.Binding.LOCAL, ModuleSymbol.Type.SECTION));
        List<ModuleSymbol> globals = new ArrayList<>();
        for (Label l : ordered) {
            ModuleSymbol.Type t = switch (l.type) {
                case FUNCTION -> ModuleSymbol.Type.FUNC;
                case OBJECT -> ModuleSymbol.Type.OBJECT;
                case NONE -> ModuleSymbol.Type.NOTYPE;
            };
            ModuleSymbol.Binding b = l.weak ? ModuleSymbol.Binding.WEAK
                    : l.global ? ModuleSymbol.Binding.GLOBAL : ModuleSymbol.Binding.LOCAL;
            ModuleSymbol sym = new ModuleSymbol(l.name, l.section.name, l.offset, l.size, b, t);
            (b == ModuleSymbol.Binding.LOCAL ? symbols : globals).add(sym);
        }
        symbols.addAll(globals);
        symbols.addAll(undefined.values());
        return new Module(name, out, symbols);
    }
}
