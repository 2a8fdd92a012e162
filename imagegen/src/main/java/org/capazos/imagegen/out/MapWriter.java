package org.capazos.imagegen.out;

import org.capazos.dsl.module.ModuleSection;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.LinkedSymbol;
import org.capazos.imagegen.link.OutputSection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the link map of an image: the entry, the output sections (VMA, LMA, size, alignment, flags) with
 * the input sections they hold and their modules, and every symbol sorted by address with its size.
 */
public final class MapWriter {
    private MapWriter() { }

    /** The map text of {@code image}, linked with the script called {@code scriptName}. */
    public static String write(LinkedImage image, String scriptName) {
        StringBuilder out = new StringBuilder();
        out.append("Link map of ").append(image.name()).append(" (script ").append(scriptName).append(")\n\n");
        out.append(String.format("Entry point: 0x%016x%s%n%n", image.entry(),
                image.entrySymbol() == null ? "" : " (" + image.entrySymbol() + ")"));
        out.append("Output sections:\n");
        out.append(String.format("  %-20s %-18s %-18s %-10s %-6s %-5s %s%n", "name", "vma", "lma", "size", "align",
                "flags", "type"));
        for (OutputSection s : image.sections()) {
            out.append(String.format("  %-20s 0x%016x 0x%016x 0x%08x %-6d %-5s %s%s%n", s.name(), s.vma(), s.lma(),
                    s.size(), s.alignment(), flags(s.flags()), s.nobits() ? "NOBITS" : "PROGBITS",
                    s.orphan() ? " (orphan: no description in the script)" : ""));
            for (OutputSection.InputPiece p : s.inputs())
                out.append(String.format("      0x%016x 0x%08x %s(%s)%n", p.vma(), p.size(), p.module(), p.section()));
        }
        out.append("\nSymbols (by address):\n");
        out.append(String.format("  %-18s %-10s %-6s %-6s %-20s %s%n", "value", "size", "type", "bind", "section",
                "name [module]"));
        List<LinkedSymbol> syms = new ArrayList<>(image.symbols());
        syms.sort(Comparator.comparing(LinkedSymbol::value, Long::compareUnsigned).thenComparing(LinkedSymbol::name)
                .thenComparing(s -> s.module() == null ? "" : s.module()));
        for (LinkedSymbol s : syms) {
            out.append(String.format("  0x%016x 0x%08x %-6s %-6s %-20s %s%s%n", s.value(), s.size(), s.type(),
                    s.binding(), s.section() == null ? "*ABS*" : s.section(), s.name(),
                    s.module() == null ? "" : " [" + s.module() + "]"));
        }
        return out.toString().replace("\r\n", "\n");
    }

    private static String flags(int f) {
        return ((f & ModuleSection.ALLOC) != 0 ? "A" : "") + ((f & ModuleSection.WRITE) != 0 ? "W" : "")
                + ((f & ModuleSection.EXEC) != 0 ? "X" : "");
    }
}
