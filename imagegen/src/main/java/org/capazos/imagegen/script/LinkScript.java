package org.capazos.imagegen.script;

import java.util.List;
import java.util.Map;

/**
 * A parsed link script: its entry symbol, memory regions, program headers and commands. The commands of every
 * {@code SECTIONS} block and the top-level assignments and assertions are kept in one list, in the order
 * they were written, since that is the order in which they are evaluated. {@code INCLUDE}d files are part of
 * it, in place.
 *
 * @param file          the script's name (for messages)
 * @param entry         the {@code ENTRY} symbol, or null
 * @param entryAt       where {@code ENTRY} was written, or null
 * @param memory        the {@code MEMORY} regions
 * @param commands      assignments, assertions and output sections, in order
 * @param phdrs         the {@code PHDRS} entries (empty without a {@code PHDRS} command)
 * @param hasPhdrs      true if the script has a {@code PHDRS} command (even an empty one)
 * @param regionAliases {@code REGION_ALIAS(alias, region)}: alias to region name
 * @param sources       every file read: the script, then each {@code INCLUDE}d file (for up-to-date checks)
 */
public record LinkScript(String file, String entry, SourceLocation entryAt, List<MemoryRegion> memory,
                         List<Statement> commands, List<PhdrSpec> phdrs, boolean hasPhdrs,
                         Map<String, String> regionAliases, List<String> sources) {
    public LinkScript {
        memory = List.copyOf(memory);
        commands = List.copyOf(commands);
        phdrs = List.copyOf(phdrs);
        regionAliases = Map.copyOf(regionAliases);
        sources = List.copyOf(sources);
    }

    /** A script without program headers, region aliases or includes. */
    public LinkScript(String file, String entry, SourceLocation entryAt, List<MemoryRegion> memory,
                      List<Statement> commands) {
        this(file, entry, entryAt, memory, commands, List.of(), false, Map.of(), List.of(file));
    }

    /** This script with its entry symbol replaced (as ld's {@code -e} does). */
    public LinkScript withEntry(String symbol, SourceLocation at) {
        return new LinkScript(file, symbol, at, memory, commands, phdrs, hasPhdrs, regionAliases, sources);
    }

    /** The output section descriptions, in order (including {@code /DISCARD/}). */
    public List<Statement.OutputSection> outputSections() {
        return commands.stream().filter(c -> c instanceof Statement.OutputSection)
                .map(c -> (Statement.OutputSection) c).toList();
    }

    /** The region a name (or alias) refers to, or null. */
    public MemoryRegion region(String name) {
        String real = regionAliases.getOrDefault(name, name);
        for (MemoryRegion r : memory) if (r.name().equals(real)) return r;
        return null;
    }
}
