package org.capazos.imagegen.out;

import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.LinkedSymbol;
import org.capazos.imagegen.link.ListingRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the listing of a linked image: every instruction as {@code address  bytes  text}, a comment line where
 * a new input section starts, and a {@code name:} line for each symbol at an instruction's address.
 */
public final class ListingWriter {
    private final InstructionPrinter printer;

    /** A writer that prints instructions with {@code printer}. */
    public ListingWriter(InstructionPrinter printer) {
        this.printer = printer;
    }

    /** A writer that prints instructions with the DSL's disassembler, naming targets by the image's symbols. */
    public ListingWriter() {
        this(null);
    }

    /** The listing text of {@code image}. */
    public String write(LinkedImage image) {
        Map<Long, List<LinkedSymbol>> labels = new TreeMap<>(Long::compareUnsigned);
        for (LinkedSymbol s : image.symbols())
            if (s.section() != null) labels.computeIfAbsent(s.value(), k -> new ArrayList<>()).add(s);
        for (List<LinkedSymbol> l : labels.values())
            l.sort(Comparator.comparing((LinkedSymbol s) -> s.isGlobal() ? 0 : 1).thenComparing(LinkedSymbol::name));
        InstructionPrinter p = printer != null ? printer : InstructionPrinter.disassembler(address -> {
            List<LinkedSymbol> l = labels.get(address);
            return l == null ? null : l.get(0).name();
        });
        StringBuilder out = new StringBuilder();
        out.append("; listing of ").append(image.name()).append('\n');
        String lastPiece = null;
        for (ListingRecord r : image.listing()) {
            String piece = r.module() + "(" + r.section() + ")";
            if (!piece.equals(lastPiece)) {
                out.append('\n').append("; ").append(piece).append('\n');
                lastPiece = piece;
            }
            for (LinkedSymbol s : labels.getOrDefault(r.address(), List.of())) out.append(s.name()).append(":\n");
            int w = r.word();
            out.append(String.format("  %016x:  %02x %02x %02x %02x  %s%n", r.address(), w & 0xff, (w >>> 8) & 0xff,
                    (w >>> 16) & 0xff, (w >>> 24) & 0xff, p.print(r.address(), w)));
        }
        return out.toString().replace("\r\n", "\n");
    }
}
