package org.capazos.imagegen.link;

import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.imagegen.LinkException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies the relocations of the placed input sections to the output bytes with
 * {@link org.capazos.isa.RelocKind#apply}, and reports every undefined symbol with every site that refers to
 * it, and every relocation that does not fit with its site, symbol and reason.
 */
final class Relocator {
    private final SymbolTable symbols;
    private final Layout layout;

    Relocator(SymbolTable symbols, Layout layout) {
        this.symbols = symbols;
        this.layout = layout;
    }

    /** Checks that every relocation's symbol is defined; one error naming every undefined symbol's sites. */
    void checkDefined(List<Layout.Placed> sections) {
        Map<String, List<String>> undefined = new TreeMap<>();
        for (Layout.Placed p : sections) {
            for (InputSection in : p.inputs) {
                for (Relocation r : in.section.relocations()) {
                    SymbolTable.Target t = symbols.resolve(in.module, r.symbol());
                    if (t.definition() != null || layout.globalValue(r.symbol(), null) != null) continue;
                    if (symbols.isWeakUndefined(in.module, r.symbol())) continue;
                    undefined.computeIfAbsent(r.symbol(), k -> new ArrayList<>()).add(site(in, r));
                }
            }
        }
        if (undefined.isEmpty()) return;
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : undefined.entrySet())
            lines.add("undefined symbol '" + e.getKey() + "', referenced at: " + String.join(", ", e.getValue()));
        throw new LinkException(String.join("\n", lines));
    }

    /** The site of a relocation as a message names it: the recorded site and the module position. */
    static String site(InputSection in, Relocation r) {
        String pos = String.format("%s:%s+0x%x", in.module.name(), in.name(), r.offset());
        return r.site() == null || r.site().isEmpty() || r.site().equals(pos) ? pos : r.site() + " (" + pos + ")";
    }

    /** Fills {@code buf} (the output section's bytes) with its inputs' bytes and applies their relocations. */
    void apply(Layout.Placed p, byte[] buf, List<String> errors) {
        for (InputSection in : p.inputs) {
            int base = (int) (in.vma - p.vma);
            if (!in.section.nobits() && !p.nobits())
                System.arraycopy(in.section.bytes(), 0, buf, base, in.section.bytes().length);
            for (Relocation r : in.section.relocations()) {
                long s;
                try {
                    s = target(in, r);
                } catch (LinkException e) {
                    errors.add(site(in, r) + ": " + e.getMessage());
                    continue;
                }
                int width = r.kind().isInstruction() ? 4 : r.kind().dataBits / 8;
                if (in.section.nobits() || p.nobits()) {
                    errors.add(site(in, r) + ": " + r.kind() + " relocation in section " + in.name()
                            + ", which has no bytes (nobits)");
                    continue;
                }
                if (r.offset() < 0 || r.offset() + width > in.section.size()) {
                    errors.add(String.format("%s: %s relocation at offset 0x%x is outside section %s (size 0x%x)",
                            site(in, r), r.kind(), r.offset(), in.name(), in.section.size()));
                    continue;
                }
                long place = in.vma + r.offset();
                String why = r.kind().apply(buf, base + (int) r.offset(), s + r.addend(), place);
                if (why != null)
                    errors.add(String.format("%s: R_AARCH64_%s relocation against symbol '%s' (S+A = 0x%x, P = 0x%x)"
                            + " does not fit: %s", site(in, r), r.kind(), r.symbol(), s + r.addend(), place, why));
            }
        }
    }

    private long target(InputSection in, Relocation r) {
        SymbolTable.Target t = symbols.resolve(in.module, r.symbol());
        if (t.definition() != null) {
            ModuleSymbol sym = t.definition().symbol();
            if (sym.type() == ModuleSymbol.Type.SECTION) {
                InputSection sec = t.definition().section();
                if (sec == null) throw new LinkException("section '" + r.symbol() + "' of module "
                        + in.module.name() + " is not allocated and has no address");
                if (sec.discarded) throw new LinkException("relocation against section " + r.symbol()
                        + " of module " + in.module.name() + ", which /DISCARD/ removed");
                return sec.vma;
            }
            return layout.address(t.definition(), null);
        }
        Long v = layout.globalValue(r.symbol(), null);
        if (v != null) return v;
        return 0; // weak undefined
    }
}
