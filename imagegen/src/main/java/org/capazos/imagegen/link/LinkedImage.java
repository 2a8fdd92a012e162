package org.capazos.imagegen.link;

import java.util.List;
import java.util.Optional;

/**
 * The result of a link: output sections with their addresses and bytes, loadable segments, the entry point,
 * the final symbol table and the instruction records for listings. Plain data, in a fixed order.
 *
 * @param name        the image's name (e.g. {@code kernel}), used in messages and outputs
 * @param sections    the output sections in script order (empty sections without inputs are left out)
 * @param segments    the program headers: the script's PHDRS, or GNU ld's mapping (see {@link Segment})
 * @param entry       the entry address
 * @param entrySymbol the entry symbol's name, or null when there is none
 * @param symbols     module symbols (locals first per module, then globals), then script symbols and defsyms
 * @param listing     every instruction of every input section, by address
 */
public record LinkedImage(String name, List<OutputSection> sections, List<Segment> segments, long entry,
                          String entrySymbol, List<LinkedSymbol> symbols, List<ListingRecord> listing) {
    public LinkedImage {
        sections = List.copyOf(sections);
        segments = List.copyOf(segments);
        symbols = List.copyOf(symbols);
        listing = List.copyOf(listing);
    }

    /** The global symbol (or script symbol) {@code name}, if defined. */
    public Optional<LinkedSymbol> symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name) && s.isGlobal()).findFirst()
                .or(() -> symbols.stream().filter(s -> s.name().equals(name) && s.module() == null).findFirst());
    }

    /** The value of global symbol {@code name}; an {@link IllegalArgumentException} if it is not defined. */
    public long symbolValue(String name) {
        return symbol(name).orElseThrow(() -> new IllegalArgumentException("no symbol " + name + " in " + this.name))
                .value();
    }

    /** The output section {@code name}, if present. */
    public Optional<OutputSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The sections that occupy memory (size &gt; 0), in script order. */
    public List<OutputSection> allocatedSections() {
        return sections.stream().filter(s -> s.size() > 0).toList();
    }

    /** The lowest load address of a section that has file bytes, or of any allocated section if none has. */
    public long lowestLoadAddress() {
        List<OutputSection> loaded = sections.stream().filter(OutputSection::isLoaded).toList();
        if (loaded.isEmpty()) loaded = allocatedSections();
        return loaded.stream().mapToLong(OutputSection::lma).reduce(Long.MAX_VALUE, (a, b) ->
                Long.compareUnsigned(a, b) <= 0 ? a : b);
    }

    /** The section with the lowest load address that occupies memory (the image's "first" section). */
    public OutputSection firstSection() {
        OutputSection first = null;
        for (OutputSection s : allocatedSections())
            if (first == null || Long.compareUnsigned(s.lma(), first.lma()) < 0) first = s;
        if (first == null) throw new IllegalStateException("image " + name + " has no allocated section");
        return first;
    }

    /** The end (exclusive) of the highest loaded byte, as a load address (0 if nothing is loaded). */
    public long loadedEnd() {
        long end = 0;
        for (OutputSection s : sections)
            if (s.isLoaded() && Long.compareUnsigned(s.lmaEnd(), end) > 0) end = s.lmaEnd();
        return end;
    }

    /** The end (exclusive) of everything in memory, including nobits sections, as a load address. */
    public long memoryEnd() {
        long end = 0;
        for (OutputSection s : allocatedSections())
            if (Long.compareUnsigned(s.lmaEnd(), end) > 0) end = s.lmaEnd();
        return end;
    }
}
