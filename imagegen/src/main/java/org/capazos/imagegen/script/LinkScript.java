package org.capazos.imagegen.script;

import java.util.List;

/**
 * A parsed link script: its entry symbol, memory regions and commands. The commands of every
 * {@code SECTIONS} block and the top-level assignments and assertions are kept in one list, in the order
 * they were written, since that is the order in which they are evaluated.
 *
 * @param file     the script's name (for messages)
 * @param entry    the {@code ENTRY} symbol, or null
 * @param entryAt  where {@code ENTRY} was written, or null
 * @param memory   the {@code MEMORY} regions
 * @param commands assignments, assertions and output sections, in order
 */
public record LinkScript(String file, String entry, SourceLocation entryAt, List<MemoryRegion> memory,
                         List<Statement> commands) {
    public LinkScript {
        memory = List.copyOf(memory);
        commands = List.copyOf(commands);
    }

    /** The output section descriptions, in order (including {@code /DISCARD/}). */
    public List<Statement.OutputSection> outputSections() {
        return commands.stream().filter(c -> c instanceof Statement.OutputSection)
                .map(c -> (Statement.OutputSection) c).toList();
    }
}
