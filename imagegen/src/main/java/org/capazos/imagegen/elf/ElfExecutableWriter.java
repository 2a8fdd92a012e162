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
 * Writes a {@link LinkedImage} as an ELF64 executable (ET_EXEC, EM_AARCH64): one PT_LOAD per segment with
 * {@code p_vaddr} = VMA and {@code p_paddr} = LMA, a section header per output section ({@code .bss} and
 * NOLOAD sections as SHT_NOBITS), and {@code .symtab}/{@code .strtab}/{@code .shstrtab} with the image's
 * symbols (types and sizes kept; locals first). File offsets are congruent to addresses modulo each
 * section's alignment, as loaders require.
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

        SectionHeaders headers = new SectionHeaders();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        for (OutputSection s : sections) {
            long align = Math.max(1, s.alignment());
            out.padTo(congruent(out.size(), s.vma(), align));
            long offset = out.size();
            if (!s.nobits()) out.bytes(s.bytes());
            offsets.put(s.name(), offset);
            long flags = Elf.SHF_ALLOC | ((s.flags() & ModuleSection.WRITE) != 0 ? Elf.SHF_WRITE : 0)
                    | ((s.flags() & ModuleSection.EXEC) != 0 ? Elf.SHF_EXECINSTR : 0);
            index.put(s.name(), headers.add(s.name(), s.nobits() ? Elf.SHT_NOBITS : Elf.SHT_PROGBITS, flags, s.vma(),
                    offset, s.size(), 0, 0, align, 0));
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
        for (Segment g : segments) {
            int pf = (g.flags() & Segment.R) != 0 ? Elf.PF_R : 0;
            pf |= (g.flags() & Segment.W) != 0 ? Elf.PF_W : 0;
            pf |= (g.flags() & Segment.X) != 0 ? Elf.PF_X : 0;
            ph.u32(Elf.PT_LOAD).u32(pf).u64(offsets.get(g.section())).u64(g.vaddr()).u64(g.paddr()).u64(g.fileSize())
                    .u64(g.memSize()).u64(Math.max(1, g.align()));
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
