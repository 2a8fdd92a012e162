package org.capazos.imagegen.link;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Allocates common symbols (ELF {@code SHN_COMMON}: C tentative definitions, {@code .comm}) as GNU ld does:
 * a strong definition of the same name wins over every common (which then only refers to it), a common wins
 * over weak definitions; of several commons of one name the largest wins (the first of equal ones), with the
 * largest alignment. Each winning common is placed in a NOBITS input section named {@code COMMON} of the
 * module that gave it (matched by {@code *(COMMON)}), in the order of GNU ld's symbol hash table (the order
 * in which {@code lang_common} visits them), each at its alignment.
 *
 * <p>Modules mark common symbols with the pseudo-section {@link Linker#COMMON}: value = alignment, size =
 * size (as {@link org.capazos.imagegen.elf.ElfObjectReader} reads them).
 */
final class CommonSymbols {
    /** The name of the input sections that hold common symbols. */
    static final String SECTION = "COMMON";

    /** The size of bfd's link hash table (DEFAULT_SIZE of bfd/hash.c); GNU ld's common order follows its buckets. */
    private static final int HASH_SIZE = 4051;

    private CommonSymbols() { }

    /** {@code modules} with their common symbols allocated (unchanged if there are none). */
    static List<Module> allocate(List<Module> modules) {
        boolean any = false;
        for (Module m : modules)
            for (ModuleSymbol s : m.symbols()) if (Linker.COMMON.equals(s.section())) any = true;
        if (!any) return modules;

        Map<String, Integer> insertion = new HashMap<>();
        Map<String, ModuleSymbol> strong = new HashMap<>();
        for (Module m : modules)
            for (ModuleSymbol s : m.symbols()) {
                if (s.binding() == ModuleSymbol.Binding.LOCAL) continue;
                insertion.putIfAbsent(s.name(), insertion.size());
                if (s.isDefined() && !Linker.COMMON.equals(s.section()) && s.binding() == ModuleSymbol.Binding.GLOBAL)
                    strong.putIfAbsent(s.name(), s);
            }
        record Winner(Module owner, long size, long align) { }
        Map<String, Winner> winners = new LinkedHashMap<>();
        for (Module m : modules)
            for (ModuleSymbol s : m.symbols()) {
                if (!Linker.COMMON.equals(s.section()) || strong.containsKey(s.name())) continue;
                long align = Math.max(1, s.value());
                Winner w = winners.get(s.name());
                if (w == null) winners.put(s.name(), new Winner(m, s.size(), align));
                else winners.put(s.name(), new Winner(s.size() > w.size() ? m : w.owner(), Math.max(s.size(), w.size()),
                        Math.max(align, w.align())));
            }
        List<String> order = new ArrayList<>(winners.keySet());
        order.sort((a, b) -> {
            int c = Integer.compare(bucket(a), bucket(b));
            return c != 0 ? c : Integer.compare(insertion.get(b), insertion.get(a)); // newer first in a chain
        });
        List<Module> out = new ArrayList<>();
        for (Module m : modules) {
            Map<String, Long> offsets = new HashMap<>();
            long size = 0, sectionAlign = 1;
            for (String name : order) {
                Winner w = winners.get(name);
                if (w.owner() != m) continue;
                size = (size + w.align() - 1) & -w.align();
                offsets.put(name, size);
                size += w.size();
                sectionAlign = Math.max(sectionAlign, w.align());
            }
            boolean hasCommons = m.symbols().stream().anyMatch(s -> Linker.COMMON.equals(s.section()));
            if (!hasCommons) {
                out.add(m);
                continue;
            }
            List<ModuleSymbol> symbols = new ArrayList<>();
            for (ModuleSymbol s : m.symbols()) {
                if (!Linker.COMMON.equals(s.section())) {
                    symbols.add(s);
                } else if (offsets.containsKey(s.name())) {
                    symbols.add(new ModuleSymbol(s.name(), SECTION, offsets.get(s.name()), winners.get(s.name()).size(),
                            ModuleSymbol.Binding.GLOBAL, s.type() == ModuleSymbol.Type.NOTYPE ? ModuleSymbol.Type.OBJECT
                            : s.type()));
                } else { // another module's common or a strong definition gives it
                    symbols.add(new ModuleSymbol(s.name(), null, 0, 0, ModuleSymbol.Binding.GLOBAL, s.type()));
                }
            }
            List<ModuleSection> sections = new ArrayList<>(m.sections());
            if (!offsets.isEmpty()) {
                if (m.section(SECTION) != null) throw new org.capazos.imagegen.LinkException("module " + m.name()
                        + " has a section named " + SECTION + " and common symbols");
                sections.add(new ModuleSection(SECTION, ModuleSection.ALLOC | ModuleSection.WRITE, true, size,
                        sectionAlign, new byte[0], List.of(), new int[0]));
            }
            out.add(new Module(m.name(), sections, symbols));
        }
        return out;
    }

    /** The bucket of {@code name} in bfd's hash table (bfd_hash_hash modulo the table size). */
    static int bucket(String name) {
        long hash = 0;
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            long c = b & 0xff;
            hash += c + (c << 17);
            hash ^= hash >>> 2;
        }
        long len = bytes.length;
        hash += len + (len << 17);
        hash ^= hash >>> 2;
        return (int) Long.remainderUnsigned(hash, HASH_SIZE);
    }
}
