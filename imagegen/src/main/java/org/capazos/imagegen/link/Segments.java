package org.capazos.imagegen.link;

import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.Evaluator;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.PhdrSpec;
import org.capazos.imagegen.script.SourceLocation;
import org.capazos.imagegen.script.Statement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The program headers of an image, as GNU ld makes them: from the script's {@code PHDRS} and each section's
 * {@code :phdr} list (a section without one goes where the previous section went, except NOLOAD sections,
 * which then go nowhere; {@code :NONE} puts a section in no segment), or else with GNU ld's own mapping
 * (bfd/elf.c _bfd_elf_map_sections_to_segments, for a demand-paged AArch64 executable: 64 KiB pages, code
 * and data not separated).
 */
final class Segments {
    static final int ELF_HEADER = 64, PHDR_SIZE = 56;
    private static final long PAGE = Evaluator.MAXPAGESIZE;

    private Segments() { }

    /**
     * GNU ld's estimate of the program headers (get_program_header_size), used for {@code SIZEOF_HEADERS}
     * without {@code PHDRS}: two PT_LOADs and one PT_NOTE per run of loaded note sections.
     */
    static int estimatedHeaders(Layout layout) {
        int segs = 2;
        Layout.Plan prevNote = null;
        for (Map.Entry<Statement.OutputSection, Layout.Plan> e : layout.plans()) {
            Layout.Plan p = e.getValue();
            if (p.ignored()) continue;
            boolean note = p.note && p.load();
            if (note && (prevNote == null || prevNote.inputAlign != p.inputAlign)) segs++;
            prevNote = note ? p : null;
        }
        return segs;
    }

    /** The segments of the image whose (kept, non-empty) sections are {@code sections}, in output order. */
    static List<Segment> of(LinkScript script, Layout layout, List<Layout.Placed> sections) {
        List<Layout.Placed> alloc = sections.stream().filter(p -> !p.ignored && p.alloc() && p.size > 0).toList();
        return script.hasPhdrs() ? fromPhdrs(script, layout, alloc) : gnuDefault(script, layout, alloc);
    }

    // ---- PHDRS ----------------------------------------------------------------------------------------------

    private static List<Segment> fromPhdrs(LinkScript script, Layout layout, List<Layout.Placed> alloc) {
        Map<String, PhdrSpec> byName = new LinkedHashMap<>();
        for (PhdrSpec p : script.phdrs()) byName.put(p.name(), p);
        Map<String, List<Layout.Placed>> members = new LinkedHashMap<>();
        for (PhdrSpec p : script.phdrs()) members.put(p.name(), new ArrayList<>());
        List<String> last = null;
        for (Layout.Placed s : alloc) {
            List<String> names = s.statement.phdrs();
            if (names != null) {
                last = names;
            } else {
                if (s.statement.noload()) continue; // GNU ld: NOLOAD sections only go where they are told
                if (last == null)
                    throw LinkException.at(s.statement.at(), "output section " + s.name() + " has no :phdr and comes "
                            + "before every section that has one (GNU ld and ld.lld put it in different segments: "
                            + "give it a :phdr list)");
                names = last;
            }
            for (String n : names) {
                if (n.equals("NONE")) continue;
                List<Layout.Placed> m = members.get(n);
                if (m == null) throw LinkException.at(s.statement.at(), "output section " + s.name()
                        + " is assigned to program header " + n + ", which PHDRS does not define");
                m.add(s);
            }
        }
        int count = script.phdrs().size();
        long headerSize = ELF_HEADER + (long) PHDR_SIZE * count;
        List<Segment> out = new ArrayList<>();
        boolean firstLoad = true;
        Segment headerLoad = null;
        for (PhdrSpec p : script.phdrs()) {
            List<Layout.Placed> secs = members.get(p.name());
            Integer flags = p.flags() == null ? null : (int) Evaluator.eval(p.flags(), layout);
            if (p.type() == PhdrSpec.PT_PHDR) {
                out.add(null); // filled in once the PT_LOAD holding the headers is known
                continue;
            }
            if (p.holdsHeaders() && (!p.isLoad() || !firstLoad))
                throw LinkException.at(p.at(), "program header " + p.name() + ": FILEHDR and PHDRS are only supported "
                        + "on the first PT_LOAD");
            for (int i = 1; i < secs.size(); i++)
                if (Long.compareUnsigned(secs.get(i).lma, secs.get(i - 1).lma + secs.get(i - 1).size) < 0)
                    throw LinkException.at(secs.get(i).statement.at(), "output section " + secs.get(i).name()
                            + " is placed before the end of " + secs.get(i - 1).name() + " in program header "
                            + p.name() + " (the sections of a segment must follow each other in load address order)");
            Segment s;
            if (p.isLoad()) {
                if (p.holdsHeaders() && secs.isEmpty())
                    throw LinkException.at(p.at(), "program header " + p.name() + " holds the headers but no section");
                s = load(secs, p.type(), p.holdsHeaders(), p.fileHeader(), p.programHeaders(), headerSize, flags,
                        p.at());
                if (p.holdsHeaders()) headerLoad = s;
                firstLoad = false;
            } else {
                s = other(p.type(), secs, flags);
            }
            out.add(s);
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) != null) continue;
            PhdrSpec p = script.phdrs().get(i);
            if (headerLoad == null || !headerLoad.programHeaders())
                throw LinkException.at(p.at(), "PT_PHDR program header " + p.name() + " needs a PT_LOAD with PHDRS");
            long start = headerLoad.fileHeader() ? 0 : ELF_HEADER; // the file offset headerLoad starts at
            long vaddr = headerLoad.vaddr() + (ELF_HEADER - start), paddr = headerLoad.paddr() + (ELF_HEADER - start);
            int flags = p.flags() == null ? Segment.R : (int) Evaluator.eval(p.flags(), layout);
            out.set(i, new Segment(PhdrSpec.PT_PHDR, List.of(), vaddr, paddr, (long) PHDR_SIZE * count,
                    (long) PHDR_SIZE * count, flags, 8, false, true));
        }
        return out;
    }

    private static Segment other(long type, List<Layout.Placed> secs, Integer flags) {
        if (secs.isEmpty()) return new Segment(type, List.of(), 0, 0, 0, 0, flags == null ? 0 : flags, 8, false, false);
        Layout.Placed first = secs.get(0);
        long file = 0, mem = 0, align = 1;
        int f = Segment.R;
        for (Layout.Placed s : secs) {
            long end = s.lma + s.size - first.lma;
            if (!s.nobits()) file = Math.max(file, end);
            mem = Math.max(mem, end);
            align = Math.max(align, s.align);
            f |= sectionFlags(s);
        }
        return new Segment(type, names(secs), first.vma, first.lma, file, Math.max(mem, file),
                flags == null ? f : flags, align, false, false);
    }

    // ---- GNU ld's own mapping -------------------------------------------------------------------------------

    private static List<Segment> gnuDefault(LinkScript script, Layout layout, List<Layout.Placed> alloc) {
        if (alloc.isEmpty()) return List.of();
        List<Layout.Placed> sorted = new ArrayList<>(alloc);
        sorted.sort(Comparator.<Layout.Placed>comparingLong(p -> p.lma ^ Long.MIN_VALUE)
                .thenComparingLong(p -> p.vma ^ Long.MIN_VALUE)
                .thenComparing(p -> p.nobits() && p.size != 0)
                .thenComparingLong(p -> p.nobits() ? 0 : p.size)
                .thenComparingInt(alloc::indexOf));
        int estimate = estimatedHeaders(layout);
        long estimatedSize = ELF_HEADER + (long) PHDR_SIZE * estimate;
        Layout.Placed first = sorted.get(0);
        boolean headers = layout.sizeofHeadersUsed() || (first.lma & (PAGE - 1)) >= (estimatedSize & (PAGE - 1));
        if (headers) {
            long phdrLma = (first.lma - estimatedSize) & -PAGE;
            if (Long.compareUnsigned(first.lma, phdrLma) < 0 || Long.compareUnsigned(first.lma, estimatedSize) < 0)
                headers = false;
        }
        List<List<Layout.Placed>> runs = new ArrayList<>();
        List<Layout.Placed> run = new ArrayList<>(List.of(first));
        Layout.Placed lastHdr = first;
        boolean writable = !first.plan.readonly;
        for (Layout.Placed hdr : sorted.subList(1, sorted.size())) {
            long lastEnd = lastHdr.lma + lastHdr.size;
            long nextPage = ((lastEnd + PAGE - 1) & -PAGE) + PAGE;
            boolean newSegment;
            if (lastHdr.lma - lastHdr.vma != hdr.lma - hdr.vma) newSegment = true;
            else if (Long.compareUnsigned(hdr.lma, lastEnd) < 0 || Long.compareUnsigned(lastEnd, lastHdr.lma) < 0)
                newSegment = true;
            else if (((lastEnd - 1) & -PAGE) == (hdr.lma & -PAGE)) newSegment = false;
            else if (Long.compareUnsigned(nextPage, lastHdr.lma) > 0 && Long.compareUnsigned(nextPage, hdr.lma) <= 0)
                newSegment = true;
            else if (lastHdr.nobits() && !hdr.nobits()) newSegment = true;
            else newSegment = !writable && !hdr.plan.readonly;
            if (!newSegment && !Objects.equals(hdr.region, lastHdr.region)) newSegment = true; // different regions
            if (newSegment) {
                runs.add(run);
                run = new ArrayList<>();
                writable = false;
            }
            run.add(hdr);
            writable |= !hdr.plan.readonly;
            lastHdr = hdr;
        }
        runs.add(run);
        List<List<Layout.Placed>> notes = noteRuns(alloc);
        int count = runs.size() + notes.size();
        if (layout.sizeofHeadersUsed() && count > estimate)
            throw new LinkException(script.file() + ": not enough room for program headers: SIZEOF_HEADERS counted "
                    + estimate + ", the image needs " + count + " (GNU ld fails the same way; use PHDRS)");
        long headerSize = ELF_HEADER + (long) PHDR_SIZE * count;
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            boolean h = i == 0 && headers;
            out.add(load(runs.get(i), PhdrSpec.PT_LOAD, h, h, h, headerSize, null, null));
        }
        for (List<Layout.Placed> n : notes) out.add(other(PhdrSpec.PT_NOTE, n, null));
        return out;
    }

    /** Runs of loaded note sections of one alignment that follow each other (GNU ld's PT_NOTE segments). */
    private static List<List<Layout.Placed>> noteRuns(List<Layout.Placed> alloc) {
        List<List<Layout.Placed>> out = new ArrayList<>();
        List<Layout.Placed> run = null;
        Layout.Placed prev = null;
        for (Layout.Placed s : alloc) {
            boolean note = s.plan.note && s.plan.load();
            if (note && run != null && prev.align == s.align
                    && ((prev.lma + prev.size + s.align - 1) & -s.align) == s.lma) {
                run.add(s);
            } else if (note) {
                run = new ArrayList<>(List.of(s));
                out.add(run);
            } else {
                run = null;
            }
            prev = s;
        }
        return out;
    }

    // ---- one PT_LOAD --------------------------------------------------------------------------------------

    private static Segment load(List<Layout.Placed> secs, long type, boolean headers, boolean fileHeader,
                                boolean programHeaders, long headerSize, Integer flags, SourceLocation at) {
        if (secs.isEmpty())
            return new Segment(type, List.of(), 0, 0, 0, 0, flags == null ? Segment.R : flags, PAGE, false, false);
        long align = PAGE;
        for (Layout.Placed s : secs) align = Math.max(align, s.align);
        Layout.Placed first = secs.get(0);
        long vaddr = first.vma, paddr = first.lma, file = 0;
        if (headers) {
            long start = fileHeader ? 0 : ELF_HEADER;
            long off = congruent(headerSize, first.vma, align) - start;
            if (Long.compareUnsigned(first.vma, off) < 0 || Long.compareUnsigned(first.lma, off) < 0) {
                String msg = String.format("not enough room for program headers below section %s at 0x%x (the "
                        + "headers need 0x%x bytes in front of it)", first.name(), first.vma, headerSize);
                throw at == null ? new LinkException(msg) : LinkException.at(at, msg);
            }
            vaddr -= off;
            paddr -= off;
            file = headerSize - start;
        }
        long mem = file;
        int f = Segment.R;
        for (Layout.Placed s : secs) {
            long end = s.lma + s.size - paddr;
            if (!s.nobits()) file = Math.max(file, end);
            mem = Math.max(mem, end);
            f |= sectionFlags(s);
        }
        return new Segment(type, names(secs), vaddr, paddr, file, Math.max(mem, file), flags == null ? f : flags,
                align, fileHeader, programHeaders);
    }

    private static int sectionFlags(Layout.Placed s) {
        return Segment.R | (s.plan.readonly ? 0 : Segment.W) | (s.plan.code ? Segment.X : 0);
    }

    private static List<String> names(List<Layout.Placed> secs) {
        return secs.stream().map(Layout.Placed::name).toList();
    }

    /** The first offset at or after {@code at} that is congruent to {@code addr} modulo {@code align}. */
    static long congruent(long at, long addr, long align) {
        long want = Math.floorMod(addr, align);
        long have = Math.floorMod(at, align);
        return at + Math.floorMod(want - have, align);
    }
}
