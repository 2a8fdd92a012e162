package org.capazos.imagegen.elf;

import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.LinkedSymbol;
import org.capazos.imagegen.link.OutputSection;
import org.capazos.imagegen.link.Segment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link LinkedImage} as an ELF64 executable (ET_EXEC, EM_AARCH64) laid out as GNU ld lays out a
 * demand-paged executable: one program header per {@link Segment} of the image (its PHDRS, or GNU ld's
 * mapping); each PT_LOAD at a file offset congruent to its address modulo its alignment (64 KiB or more),
 * its sections at their load-address offsets within it (gaps and NOBITS sections in between read as zeros),
 * the ELF and program headers inside the first PT_LOAD when it holds them; sections in no segment after the
 * segments. A section header per output section ({@code .bss} and NOLOAD sections as SHT_NOBITS), and
 * {@code .symtab}/{@code .strtab}/{@code .shstrtab} with the image's symbols (types and sizes kept; locals
 * first).
 */
public final class ElfExecutableWriter {
    private ElfExecutableWriter() { }

    /** The ELF file for {@code image}. */
    public static byte[] write(LinkedImage image) {
        List<OutputSection> sections = image.sections();
        List<Segment> segments = image.segments();
        ByteSink out = new ByteSink();
        int shnum = sections.size() + 4;
        SectionHeaders.writeHeader(out, Elf.ET_EXEC, image.entry(), segments.size(), shnum, shnum - 1);
        int phdrs = out.size();
        out.padTo(phdrs + (long) segments.size() * Elf.PHDR_SIZE);

        Map<String, OutputSection> byName = new HashMap<>();
        for (OutputSection s : sections) byName.put(s.name(), s);
        Map<String, Long> offsets = new HashMap<>();
        long[] segmentOffsets = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Segment g = segments.get(i);
            if (!g.isLoad()) continue;
            long start = g.holdsHeaders() ? (g.fileHeader() ? 0 : Elf.EHDR_SIZE)
                    : congruent(out.size(), g.vaddr(), Math.max(1, g.align()));
            segmentOffsets[i] = start;
            for (String name : g.sections()) {
                OutputSection s = byName.get(name);
                if (s == null || offsets.containsKey(name)) continue;
                long off = start + (s.lma() - g.paddr());
                offsets.put(name, off);
                if (s.nobits()) continue;
                if (off < out.size())
                    throw new IllegalStateException("section " + name + " overlaps the file bytes before it");
                out.padTo(off);
                out.bytes(s.bytes());
            }
            out.padTo(start + g.fileSize());
        }
        for (OutputSection s : sections) {
            if (offsets.containsKey(s.name())) continue;
            if (s.nobits()) {
                offsets.put(s.name(), (long) out.size());
                continue;
            }
            out.padTo(congruent(out.size(), s.vma(), Math.max(1, s.alignment())));
            offsets.put(s.name(), (long) out.size());
            out.bytes(s.bytes());
        }

        SectionHeaders headers = new SectionHeaders();
        Map<String, Integer> index = new HashMap<>();
        for (OutputSection s : sections) {
            long flags = Elf.SHF_ALLOC | ((s.flags() & ModuleSection.WRITE) != 0 ? Elf.SHF_WRITE : 0)
                    | ((s.flags() & ModuleSection.EXEC) != 0 ? Elf.SHF_EXECINSTR : 0);
            index.put(s.name(), headers.add(s.name(), s.nobits() ? Elf.SHT_NOBITS : Elf.SHT_PROGBITS, flags, s.vma(),
                    offsets.get(s.name()), s.size(), 0, 0, Math.max(1, s.alignment()), 0));
        }
        writeSymbols(out, headers, image.symbols(), index);

        headers.names.add(".shstrtab");
        byte[] names = headers.names.toArray();
        long namesAt = out.size();
        out.bytes(names);
        headers.add(".shstrtab", Elf.SHT_STRTAB, 0, 0, namesAt, names.length, 0, 0, 1, 0);
        long shoff = headers.write(out);
        out.putU64(40, shoff);

        ByteSink ph = new ByteSink();
        for (int i = 0; i < segments.size(); i++) {
            Segment g = segments.get(i);
            int pf = (g.flags() & Segment.R) != 0 ? Elf.PF_R : 0;
            pf |= (g.flags() & Segment.W) != 0 ? Elf.PF_W : 0;
            pf |= (g.flags() & Segment.X) != 0 ? Elf.PF_X : 0;
            pf |= g.flags() & ~(Segment.R | Segment.W | Segment.X);
            long offset = g.isLoad() ? segmentOffsets[i] : g.type() == Segment.PT_PHDR ? Elf.EHDR_SIZE
                    : g.sections().isEmpty() ? 0 : offsets.get(g.sections().get(0));
            ph.u32(g.type()).u32(pf).u64(offset).u64(g.vaddr()).u64(g.paddr()).u64(g.fileSize()).u64(g.memSize())
                    .u64(g.align());
        }
        byte[] bytes = out.toArray();
        System.arraycopy(ph.toArray(), 0, bytes, phdrs, ph.size());
        return bytes;
    }

    /** The first offset at or after {@code at} that is congruent to {@code addr} modulo {@code align}. */
    static long congruent(long at, long addr, long align) {
        long want = Math.floorMod(addr, align);
        long have = Math.floorMod(at, align);
        return at + Math.floorMod(want - have, align);
    }

    private static void writeSymbols(ByteSink out, SectionHeaders headers, List<LinkedSymbol> symbols,
                                     Map<String, Integer> index) {
        StringTable strings = new StringTable();
        List<LinkedSymbol> ordered = new ArrayList<>();
        for (LinkedSymbol s : symbols) if (!s.isGlobal()) ordered.add(s);
        int firstGlobal = ordered.size() + 1;
        for (LinkedSymbol s : symbols) if (s.isGlobal()) ordered.add(s);
        ByteSink syms = new ByteSink();
        SectionHeaders.writeSymbol(syms, 0, 0, 0, 0, 0, 0, 0);
        for (LinkedSymbol s : ordered) {
            int bind = switch (s.binding()) {
                case LOCAL -> Elf.STB_LOCAL;
                case GLOBAL -> Elf.STB_GLOBAL;
                case WEAK -> Elf.STB_WEAK;
            };
            int type = s.type() == ModuleSymbol.Type.FUNC ? Elf.STT_FUNC
                    : s.type() == ModuleSymbol.Type.OBJECT ? Elf.STT_OBJECT : Elf.STT_NOTYPE;
            int shndx = s.section() == null ? Elf.SHN_ABS : index.get(s.section());
            SectionHeaders.writeSymbol(syms, strings.add(s.name()), bind, type, 0, shndx, s.value(), s.size());
        }
        int symtab = headers.next();
        out.align(8);
        long symAt = out.size();
        out.bytes(syms.toArray());
        byte[] str = strings.toArray();
        long strAt = out.size();
        out.bytes(str);
        headers.add(".symtab", Elf.SHT_SYMTAB, 0, 0, symAt, syms.size(), symtab + 1, firstGlobal, 8, Elf.SYM_SIZE);
        headers.add(".strtab", Elf.SHT_STRTAB, 0, 0, strAt, str.length, 0, 0, 1, 0);
    }
}
