package org.capazos.imagegen.elf;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Module} as an ELF64 relocatable object (ET_REL, EM_AARCH64) that ld.lld and GNU ld accept:
 * its sections, a {@code .rela<name>} section for each section with relocations, and a symbol table with a
 * section symbol per section, the module's locals, globals and undefined symbols, and {@code $x}/{@code $d}
 * mapping symbols where code and data alternate in executable sections.
 */
public final class ElfRelocatableWriter {
    private ElfRelocatableWriter() { }

    /** The object file for {@code module}. */
    public static byte[] write(Module module) {
        List<ModuleSection> sections = module.sections();
        ByteSink out = new ByteSink();
        int relaCount = (int) sections.stream().filter(s -> !s.relocations().isEmpty()).count();
        int shnum = 1 + sections.size() + relaCount + 3;
        SectionHeaders.writeHeader(out, Elf.ET_REL, 0, 0, shnum, shnum - 1);

        SectionHeaders headers = new SectionHeaders();
        Map<String, Integer> sectionIndex = new LinkedHashMap<>();
        for (ModuleSection s : sections) {
            long align = Math.max(1, s.alignment());
            out.align(align);
            long offset = out.size();
            if (!s.nobits()) out.bytes(s.bytes());
            long flags = Elf.SHF_ALLOC | (s.isWrite() ? Elf.SHF_WRITE : 0) | (s.isExec() ? Elf.SHF_EXECINSTR : 0);
            sectionIndex.put(s.name(), headers.add(s.name(), s.nobits() ? Elf.SHT_NOBITS : Elf.SHT_PROGBITS, flags,
                    0, offset, s.size(), 0, 0, align, 0));
        }
        int symtabIndex = 1 + sections.size() + relaCount;
        Symbols syms = new Symbols(module, sectionIndex);
        for (ModuleSection s : sections) {
            if (s.relocations().isEmpty()) continue;
            out.align(8);
            long at = out.size();
            for (Relocation r : s.relocations()) {
                int sym = syms.indexFor(r.symbol());
                out.u64(r.offset()).u64((long) sym << 32 | r.kind().elfType).u64(r.addend());
            }
            headers.add(".rela" + s.name(), Elf.SHT_RELA, Elf.SHF_INFO_LINK, 0, at,
                    (long) s.relocations().size() * Elf.RELA_SIZE, symtabIndex, sectionIndex.get(s.name()), 8,
                    Elf.RELA_SIZE);
        }
        byte[] symtab = syms.table();
        out.align(8);
        long symAt = out.size();
        out.bytes(symtab);
        byte[] str = syms.strings.toArray();
        long strAt = out.size();
        out.bytes(str);
        headers.add(".symtab", Elf.SHT_SYMTAB, 0, 0, symAt, symtab.length, symtabIndex + 1, syms.firstGlobal, 8,
                Elf.SYM_SIZE);
        headers.add(".strtab", Elf.SHT_STRTAB, 0, 0, strAt, str.length, 0, 0, 1, 0);
        headers.names.add(".shstrtab");
        byte[] names = headers.names.toArray();
        long namesAt = out.size();
        out.bytes(names);
        headers.add(".shstrtab", Elf.SHT_STRTAB, 0, 0, namesAt, names.length, 0, 0, 1, 0);
        out.putU64(40, headers.write(out));
        return out.toArray();
    }

    /** The symbol table of the object: built in ELF order (locals first), with an index for each name. */
    private static final class Symbols {
        record Entry(String name, int bind, int type, int shndx, long value, long size) { }

        final StringTable strings = new StringTable();
        final List<Entry> locals = new ArrayList<>();
        final List<Entry> globals = new ArrayList<>();
        final Map<String, Integer> sectionSymbol = new HashMap<>();
        final Map<String, Integer> localIndex = new HashMap<>();
        final Map<String, Integer> globalIndex = new HashMap<>();
        final Map<String, ModuleSymbol> first = new HashMap<>();
        int firstGlobal;
        private boolean sealed;

        Symbols(Module module, Map<String, Integer> sectionIndex) {
            for (Map.Entry<String, Integer> s : sectionIndex.entrySet()) {
                sectionSymbol.put(s.getKey(), locals.size() + 1);
                locals.add(new Entry("", Elf.STB_LOCAL, Elf.STT_SECTION, s.getValue(), 0, 0));
            }
            for (ModuleSection s : module.sections()) mappingSymbols(s, sectionIndex.get(s.name()));
            for (ModuleSymbol s : module.symbols()) {
                first.putIfAbsent(s.name(), s);
                if (s.type() == ModuleSymbol.Type.SECTION) continue;
                int shndx = shndx(s, sectionIndex);
                if (shndx < 0) continue;
                int type = s.type() == ModuleSymbol.Type.FUNC ? Elf.STT_FUNC
                        : s.type() == ModuleSymbol.Type.OBJECT ? Elf.STT_OBJECT : Elf.STT_NOTYPE;
                if (s.binding() == ModuleSymbol.Binding.LOCAL) {
                    if (!s.isDefined()) continue;
                    localIndex.putIfAbsent(s.name(), locals.size() + 1);
                    locals.add(new Entry(s.name(), Elf.STB_LOCAL, type, shndx, s.value(), s.size()));
                } else {
                    if (globalIndex.containsKey(s.name())) continue;
                    globalIndex.put(s.name(), globals.size());
                    globals.add(new Entry(s.name(), s.binding() == ModuleSymbol.Binding.WEAK ? Elf.STB_WEAK
                            : Elf.STB_GLOBAL, type, shndx, s.value(), s.size()));
                }
            }
            firstGlobal = locals.size() + 1;
        }

        private static int shndx(ModuleSymbol s, Map<String, Integer> sectionIndex) {
            if (!s.isDefined()) return Elf.SHN_UNDEF;
            if (ModuleSymbol.ABSOLUTE.equals(s.section())) return Elf.SHN_ABS;
            Integer i = sectionIndex.get(s.section());
            return i == null ? -1 : i;
        }

        private void mappingSymbols(ModuleSection s, int shndx) {
            if (!s.isExec() || s.nobits() || s.instructions().length == 0) return;
            int[] ins = s.instructions();
            long expected = -1;
            for (int i = 0; i < ins.length; i++) {
                if (ins[i] != expected) {
                    if (expected >= 0) locals.add(new Entry("$d", Elf.STB_LOCAL, Elf.STT_NOTYPE, shndx, expected, 0));
                    locals.add(new Entry("$x", Elf.STB_LOCAL, Elf.STT_NOTYPE, shndx, ins[i], 0));
                }
                expected = ins[i] + 4L;
            }
            if (expected < s.size()) locals.add(new Entry("$d", Elf.STB_LOCAL, Elf.STT_NOTYPE, shndx, expected, 0));
        }

        /** The index of the symbol a relocation against {@code name} uses (an undefined global if new). */
        int indexFor(String name) {
            if (sealed) throw new IllegalStateException("symbol table already written");
            ModuleSymbol s = first.get(name);
            if (s != null && s.type() == ModuleSymbol.Type.SECTION && sectionSymbol.containsKey(s.section()))
                return sectionSymbol.get(s.section());
            if (s != null && s.binding() == ModuleSymbol.Binding.LOCAL && localIndex.containsKey(name))
                return localIndex.get(name);
            if (s == null && sectionSymbol.containsKey(name)) return sectionSymbol.get(name);
            Integer g = globalIndex.get(name);
            if (g == null) {
                g = globals.size();
                globalIndex.put(name, g);
                globals.add(new Entry(name, Elf.STB_GLOBAL, Elf.STT_NOTYPE, Elf.SHN_UNDEF, 0, 0));
            }
            return firstGlobal + g;
        }

        byte[] table() {
            sealed = true;
            ByteSink out = new ByteSink();
            SectionHeaders.writeSymbol(out, 0, 0, 0, 0, 0, 0, 0);
            List<Entry> all = new ArrayList<>(locals);
            all.addAll(globals);
            for (Entry e : all)
                SectionHeaders.writeSymbol(out, strings.add(e.name()), e.bind(), e.type(), 0, e.shndx(), e.value(),
                        e.size());
            return out.toArray();
        }
    }
}
