package org.capazos.imagegen.link;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.LinkScript;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Turns a finished layout into a {@link LinkedImage}: bytes, segments, symbols, entry and listing records. */
final class ImageAssembler {
    private final String name;
    private final LinkScript script;
    private final List<Module> modules;
    private final SymbolTable symbols;
    private final Layout layout;
    private final Relocator relocator;
    private final Map<String, Long> defsyms;

    ImageAssembler(String name, LinkScript script, List<Module> modules, SymbolTable symbols, Layout layout,
                   Relocator relocator, Map<String, Long> defsyms) {
        this.name = name;
        this.script = script;
        this.modules = modules;
        this.symbols = symbols;
        this.layout = layout;
        this.relocator = relocator;
        this.defsyms = defsyms;
    }

    LinkedImage assemble(List<Layout.Placed> placed) {
        List<OutputSection> sections = new ArrayList<>();
        List<Layout.Placed> kept = new ArrayList<>();
        List<ListingRecord> listing = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> keptNames = new HashSet<>();
        for (Layout.Placed p : placed) {
            if (p.ignored || (p.size == 0 && p.inputs.isEmpty())) continue;
            if (p.size > Integer.MAX_VALUE - 8)
                throw new LinkException(String.format("output section %s is too large (0x%x bytes)", p.name(), p.size));
            byte[] buf = new byte[p.nobits() ? 0 : (int) p.size];
            if (!p.nobits()) {
                for (Layout.Gap g : p.gaps) fill(buf, (int) g.offset(), (int) g.size(), g.fill());
                for (Layout.DataItem d : p.data)
                    for (int i = 0; i < d.size(); i++) buf[(int) d.offset() + i] = (byte) (d.value() >>> (8 * i));
            }
            relocator.apply(p, buf, errors);
            List<OutputSection.InputPiece> pieces = new ArrayList<>();
            for (InputSection in : p.inputs) {
                pieces.add(new OutputSection.InputPiece(in.module.name(), in.name(), in.vma, in.section.size()));
                if (p.nobits()) continue;
                for (int off : in.section.instructions()) {
                    long at = in.vma - p.vma + off;
                    if (off < 0 || off + 4 > in.section.size()) continue;
                    int word = (buf[(int) at] & 0xff) | (buf[(int) at + 1] & 0xff) << 8
                            | (buf[(int) at + 2] & 0xff) << 16 | (buf[(int) at + 3] & 0xff) << 24;
                    listing.add(new ListingRecord(in.vma + off, word, in.module.name(), in.name(), off));
                }
            }
            sections.add(new OutputSection(p.name(), p.vma, p.lma, p.size, p.align, p.flags(), p.nobits(), buf, pieces,
                    p.orphan));
            keptNames.add(p.name());
            kept.add(p);
        }
        if (!errors.isEmpty()) throw new LinkException(String.join("\n", errors));
        List<Segment> segments = Segments.of(script, layout, kept);
        listing.sort(Comparator.comparingLong(ListingRecord::address));
        List<LinkedSymbol> syms = symbols(keptNames);
        String entrySymbol = script.entry();
        long entry;
        if (entrySymbol != null) {
            Long v = layout.globalValue(entrySymbol, script.entryAt());
            if (v == null) throw new LinkException(script.entryAt() + ": entry symbol '" + entrySymbol
                    + "' is not defined");
            entry = v;
        } else {
            // GNU ld with a script and no ENTRY: the symbol "start", else the start of .text, else 0
            Long v = layout.globalValue("start", null);
            entrySymbol = v == null ? null : "start";
            entry = v != null ? v : placed.stream().filter(p -> p.name().equals(".text")).mapToLong(p -> p.vma)
                    .findFirst().orElse(0);
        }
        return new LinkedImage(name, sections, segments, entry, entrySymbol, syms, listing);
    }

    /** Fills {@code size} bytes at {@code offset} with {@code pattern} repeated from its first byte (or zeros). */
    private static void fill(byte[] buf, int offset, int size, byte[] pattern) {
        if (pattern == null || pattern.length == 0) return;
        for (int i = 0; i < size; i++) buf[offset + i] = pattern[i % pattern.length];
    }

    private List<LinkedSymbol> symbols(Set<String> kept) {
        List<LinkedSymbol> out = new ArrayList<>();
        Map<String, SymbolTable.Definition> winners = new HashMap<>();
        for (SymbolTable.Definition d : symbols.globals()) winners.put(d.symbol().name(), d);
        for (Module m : modules) {
            for (ModuleSymbol s : m.symbols()) {
                if (!s.isDefined() || s.type() == ModuleSymbol.Type.SECTION) continue;
                if (s.binding() != ModuleSymbol.Binding.LOCAL) {
                    SymbolTable.Definition w = winners.get(s.name());
                    if (w == null || w.module() != m || w.symbol() != s) continue;
                }
                String section = null;
                long value = s.value();
                if (!ModuleSymbol.ABSOLUTE.equals(s.section())) {
                    InputSection in = symbols.section(m, s.section());
                    if (in == null || in.discarded) continue;
                    value += in.vma;
                    section = kept.contains(in.output) ? in.output : null;
                }
                out.add(new LinkedSymbol(s.name(), value, s.size(), s.type(), s.binding(), section, m.name()));
            }
        }
        for (Layout.ScriptSymbol s : layout.scriptSymbols()) {
            String section = s.section() != null && kept.contains(s.section()) ? s.section() : null;
            out.add(new LinkedSymbol(s.name(), s.value(), 0, ModuleSymbol.Type.NOTYPE,
                    s.hidden() ? ModuleSymbol.Binding.LOCAL : ModuleSymbol.Binding.GLOBAL, section, null));
        }
        for (Map.Entry<String, Long> d : new TreeMap<>(defsyms).entrySet())
            out.add(new LinkedSymbol(d.getKey(), d.getValue(), 0, ModuleSymbol.Type.NOTYPE,
                    ModuleSymbol.Binding.GLOBAL, null, null));
        return out;
    }
}
