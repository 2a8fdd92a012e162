package org.capazos.imagegen.elf;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.imagegen.link.Linker;
import org.capazos.isa.RelocKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an ELF64 relocatable object for AArch64 (as written by {@code llvm-mc -filetype=obj}, clang {@code -c}
 * or {@link ElfRelocatableWriter}) into a {@link Module} named after the file.
 *
 * <p>Kept: allocatable PROGBITS/NOBITS/NOTE/INIT_ARRAY/FINI_ARRAY sections, their symbols (each section gets a
 * LOCAL SECTION symbol with its name), undefined and absolute symbols, and the RELA relocations of the
 * {@link RelocKind} types. Relocations against local symbols become section-relative (symbol = section name,
 * addend += value). Instruction offsets of executable sections come from the {@code $x}/{@code $d} mapping
 * symbols (all words if there are none). Left out: non-allocatable sections (debug info, notes of the
 * toolchain) and their relocations, file and mapping symbols. Common symbols ({@code SHN_COMMON}) are kept in
 * the pseudo-section {@link Linker#COMMON} (value = alignment), for the linker to allocate. Errors (unsupported
 * relocation type, TLS, section groups, REL relocations) name the object, the section and the offset.
 */
public final class ElfObjectReader {
    private final ElfFile elf;
    private final Map<Integer, String> kept = new TreeMap<>();
    private final Map<Integer, List<Long>> codeMarks = new HashMap<>();
    private final Map<Integer, List<Long>> dataMarks = new HashMap<>();

    private ElfObjectReader(ElfFile elf) {
        this.elf = elf;
    }

    /** Reads the object at {@code path}; the module is named after the file name. */
    public static Module read(Path path) throws IOException {
        return read(path.getFileName().toString(), Files.readAllBytes(path));
    }

    /** Reads an object from {@code data}; {@code name} names the module and appears in messages. */
    public static Module read(String name, byte[] data) {
        return new ElfObjectReader(ElfFile.parse(name, data)).module();
    }

    private Module module() {
        ElfFile.Header h = elf.header();
        if (h.type() != Elf.ET_REL) throw elf.error(16, "not a relocatable object (e_type " + h.type() + ")");
        if (h.machine() != Elf.EM_AARCH64) throw elf.error(18, "not an AArch64 object (e_machine " + h.machine() + ")");
        for (ElfFile.SectionHeader s : elf.sections()) {
            if (!s.isAlloc()) continue;
            if ((s.flags() & Elf.SHF_TLS) != 0) throw sectionError(s, 0, "thread-local sections are not supported");
            if ((s.flags() & Elf.SHF_GROUP) != 0) throw sectionError(s, 0, "section groups (COMDAT) are not supported");
            switch (s.type()) {
                case Elf.SHT_PROGBITS, Elf.SHT_NOBITS, Elf.SHT_NOTE, Elf.SHT_INIT_ARRAY, Elf.SHT_FINI_ARRAY,
                        Elf.SHT_PREINIT_ARRAY -> { }
                default -> throw sectionError(s, 0, "allocatable section of unsupported type " + s.type());
            }
            if (kept.containsValue(s.name())) throw sectionError(s, 0, "two allocatable sections have this name");
            kept.put(s.index(), s.name());
        }
        List<ElfFile.Symbol> elfSymbols = elf.symbols();
        List<ModuleSymbol> symbols = symbols(elfSymbols);
        List<ModuleSection> sections = new ArrayList<>();
        for (int index : kept.keySet()) sections.add(section(elf.sections().get(index), elfSymbols));
        return new Module(elf.name(), sections, symbols);
    }

    private List<ModuleSymbol> symbols(List<ElfFile.Symbol> elfSymbols) {
        List<ModuleSymbol> sectionSyms = new ArrayList<>(), locals = new ArrayList<>(), globals = new ArrayList<>();
        for (String name : kept.values())
            sectionSyms.add(new ModuleSymbol(name, name, 0, 0, ModuleSymbol.Binding.LOCAL, ModuleSymbol.Type.SECTION));
        for (ElfFile.Symbol s : elfSymbols) {
            if (s.index() == 0 || s.type() == Elf.STT_FILE || s.type() == Elf.STT_SECTION) continue;
            if (isMappingSymbol(s)) {
                (s.name().startsWith("$x") ? codeMarks : dataMarks).computeIfAbsent(s.shndx(), k -> new ArrayList<>())
                        .add(s.value());
                continue;
            }
            if (s.type() == Elf.STT_TLS) throw symbolError(s, "thread-local symbols are not supported");
            if (s.shndx() == Elf.SHN_XINDEX) throw symbolError(s, "extended section indexes are not supported");
            String section;
            if (s.shndx() == Elf.SHN_UNDEF) section = null;
            else if (s.shndx() == Elf.SHN_ABS) section = ModuleSymbol.ABSOLUTE;
            else if (s.shndx() == Elf.SHN_COMMON) section = Linker.COMMON; // value = alignment, size = size
            else if (kept.containsKey(s.shndx())) section = kept.get(s.shndx());
            else continue; // in a section that is not linked (debug info...)
            ModuleSymbol.Binding b = switch (s.bind()) {
                case Elf.STB_LOCAL -> ModuleSymbol.Binding.LOCAL;
                case Elf.STB_GLOBAL -> ModuleSymbol.Binding.GLOBAL;
                case Elf.STB_WEAK -> ModuleSymbol.Binding.WEAK;
                default -> throw symbolError(s, "unsupported symbol binding " + s.bind());
            };
            ModuleSymbol.Type t = switch (s.type()) {
                case Elf.STT_OBJECT -> ModuleSymbol.Type.OBJECT;
                case Elf.STT_FUNC -> ModuleSymbol.Type.FUNC;
                case Elf.STT_NOTYPE -> ModuleSymbol.Type.NOTYPE;
                default -> throw symbolError(s, "unsupported symbol type " + s.type());
            };
            if (section == null && b == ModuleSymbol.Binding.LOCAL) continue; // a local undefined: meaningless
            ModuleSymbol m = new ModuleSymbol(s.name(), section, s.value(), s.size(), b, t);
            (b == ModuleSymbol.Binding.LOCAL ? locals : globals).add(m);
        }
        List<ModuleSymbol> all = new ArrayList<>(sectionSyms);
        all.addAll(locals);
        all.addAll(globals);
        return all;
    }

    private static boolean isMappingSymbol(ElfFile.Symbol s) {
        String n = s.name();
        return s.bind() == Elf.STB_LOCAL && (n.equals("$x") || n.equals("$d") || n.startsWith("$x.") || n.startsWith("$d."));
    }

    private ModuleSection section(ElfFile.SectionHeader s, List<ElfFile.Symbol> elfSymbols) {
        int flags = ModuleSection.ALLOC | ((s.flags() & Elf.SHF_WRITE) != 0 ? ModuleSection.WRITE : 0)
                | ((s.flags() & Elf.SHF_EXECINSTR) != 0 ? ModuleSection.EXEC : 0);
        boolean nobits = s.type() == Elf.SHT_NOBITS;
        List<Relocation> relocs = new ArrayList<>();
        for (ElfFile.SectionHeader r : elf.sections()) {
            if (r.info() != s.index()) continue;
            if (r.type() == Elf.SHT_REL) throw sectionError(s, 0, "REL relocations (" + r.name() + ") are not supported");
            if (r.type() == Elf.SHT_RELA) relocs.addAll(relocations(s, r, elfSymbols));
        }
        return new ModuleSection(s.name(), flags, nobits, s.size(), Math.max(1, s.addralign()), elf.bytes(s), relocs,
                instructions(s));
    }

    private List<Relocation> relocations(ElfFile.SectionHeader target, ElfFile.SectionHeader rela,
                                         List<ElfFile.Symbol> elfSymbols) {
        List<Relocation> out = new ArrayList<>();
        for (ElfFile.Rela r : elf.relocations(rela)) {
            if (r.type() == 0) continue; // R_AARCH64_NONE
            RelocKind kind = RelocKind.ofElfType(r.type());
            if (kind == null) throw sectionError(target, r.offset(), "unsupported relocation type "
                    + Elf.relocationName(r.type()));
            if (r.symbol() <= 0 || r.symbol() >= elfSymbols.size())
                throw sectionError(target, r.offset(), "relocation refers to symbol index " + r.symbol());
            ElfFile.Symbol sym = elfSymbols.get(r.symbol());
            String name = sym.name();
            long addend = r.addend();
            boolean local = sym.bind() == Elf.STB_LOCAL && sym.shndx() != Elf.SHN_UNDEF && sym.shndx() != Elf.SHN_ABS;
            if (sym.type() == Elf.STT_SECTION || local) {
                String section = kept.get(sym.shndx());
                if (section == null) throw sectionError(target, r.offset(), "relocation against a symbol in section "
                        + "index " + sym.shndx() + ", which is not allocatable");
                if (sym.type() != Elf.STT_SECTION) addend += sym.value();
                name = section;
            }
            String site = String.format("%s:%s+0x%x", elf.name(), target.name(), r.offset());
            out.add(new Relocation(r.offset(), kind, name, addend, site));
        }
        return out;
    }

    private int[] instructions(ElfFile.SectionHeader s) {
        if ((s.flags() & Elf.SHF_EXECINSTR) == 0 || s.type() == Elf.SHT_NOBITS) return new int[0];
        TreeMap<Long, Boolean> marks = new TreeMap<>();
        for (long v : dataMarks.getOrDefault(s.index(), List.of())) marks.put(v, false);
        for (long v : codeMarks.getOrDefault(s.index(), List.of())) marks.put(v, true);
        if (marks.isEmpty()) marks.put(0L, true);
        List<Integer> offsets = new ArrayList<>();
        for (long off = 0; off + 4 <= s.size(); off += 4) {
            Map.Entry<Long, Boolean> m = marks.floorEntry(off);
            boolean code = m == null || m.getValue();
            if (code) offsets.add((int) off);
        }
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    private org.capazos.imagegen.LinkException sectionError(ElfFile.SectionHeader s, long offset, String what) {
        return new org.capazos.imagegen.LinkException(String.format("%s: section %s: offset 0x%x: %s", elf.name(),
                s.name(), offset, what));
    }

    private org.capazos.imagegen.LinkException symbolError(ElfFile.Symbol s, String what) {
        return new org.capazos.imagegen.LinkException(String.format("%s: symbol '%s': %s", elf.name(), s.name(), what));
    }
}
