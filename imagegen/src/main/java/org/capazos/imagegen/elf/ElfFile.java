package org.capazos.imagegen.elf;

import org.capazos.imagegen.LinkException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A parsed little-endian ELF64 file: header, program headers, section headers, symbols and RELA entries. Used
 * to read relocatable objects (see {@link ElfObjectReader}) and, in tests, executables written by us or by
 * ld.lld. Malformed input is a {@link LinkException} naming the file and the byte offset.
 */
public final class ElfFile {
    /** The ELF header fields that matter here. */
    public record Header(int type, int machine, long entry, long phoff, long shoff, int phnum, int shnum,
                         int shstrndx) { }

    /** A section header, with its name resolved. */
    public record SectionHeader(int index, String name, int type, long flags, long addr, long offset, long size,
                                int link, int info, long addralign, long entsize) {
        /** True if the section is SHF_ALLOC. */
        public boolean isAlloc() {
            return (flags & Elf.SHF_ALLOC) != 0;
        }
    }

    /** A program header. */
    public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
                                long align) { }

    /** A symbol table entry, with its name resolved. */
    public record Symbol(int index, String name, long value, long size, int bind, int type, int other, int shndx) { }

    /** A RELA entry: {@code r_offset}, symbol index, type and addend. */
    public record Rela(long offset, int symbol, int type, long addend) { }

    private final String name;
    private final byte[] data;
    private final Header header;
    private final List<SectionHeader> sections = new ArrayList<>();
    private final List<ProgramHeader> programs = new ArrayList<>();

    private ElfFile(String name, byte[] data) {
        this.name = name;
        this.data = data;
        if (data.length < Elf.EHDR_SIZE || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
            throw error(0, "not an ELF file");
        if (data[4] != 2) throw error(4, "not a 64-bit ELF file (EI_CLASS " + data[4] + ")");
        if (data[5] != 1) throw error(5, "not a little-endian ELF file (EI_DATA " + data[5] + ")");
        header = new Header(u16(16), u16(18), u64(24), u64(32), u64(40), u16(56), u16(60), u16(62));
        for (int i = 0; i < header.phnum(); i++) {
            int at = (int) header.phoff() + i * Elf.PHDR_SIZE;
            check(at, Elf.PHDR_SIZE, "program header " + i);
            programs.add(new ProgramHeader((int) u32(at), (int) u32(at + 4), u64(at + 8), u64(at + 16), u64(at + 24),
                    u64(at + 32), u64(at + 40), u64(at + 48)));
        }
        int shnum = header.shnum();
        if (shnum == 0 && header.shoff() != 0) throw error(60, "more than 0xff00 sections (extended numbering) is not supported");
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = (int) header.shoff() + i * Elf.SHDR_SIZE;
            check(at, Elf.SHDR_SIZE, "section header " + i);
            raw.add(new long[] {u32(at), u32(at + 4), u64(at + 8), u64(at + 16), u64(at + 24), u64(at + 32),
                    u32(at + 40), u32(at + 44), u64(at + 48), u64(at + 56)});
        }
        long[] strtab = header.shstrndx() < raw.size() ? raw.get(header.shstrndx()) : null;
        for (int i = 0; i < raw.size(); i++) {
            long[] r = raw.get(i);
            String n = strtab == null ? "" : string(strtab[4], strtab[5], r[0]);
            sections.add(new SectionHeader(i, n, (int) r[1], r[2], r[3], r[4], r[5], (int) r[6], (int) r[7], r[8], r[9]));
        }
        for (SectionHeader s : sections)
            if (s.type() != Elf.SHT_NOBITS && s.type() != Elf.SHT_NULL) check(s.offset(), s.size(), "section " + s.name());
    }

    /** Parses {@code data}; {@code name} is used in messages. */
    public static ElfFile parse(String name, byte[] data) {
        return new ElfFile(name, data);
    }

    public String name() {
        return name;
    }

    public Header header() {
        return header;
    }

    public List<SectionHeader> sections() {
        return List.copyOf(sections);
    }

    public List<ProgramHeader> programHeaders() {
        return List.copyOf(programs);
    }

    /** The first section called {@code name}. */
    public Optional<SectionHeader> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The contents of a section (empty for SHT_NOBITS). */
    public byte[] bytes(SectionHeader s) {
        if (s.type() == Elf.SHT_NOBITS) return new byte[0];
        return Arrays.copyOfRange(data, (int) s.offset(), (int) (s.offset() + s.size()));
    }

    /** The symbols of {@code .symtab} (index 0, the null symbol, included), or an empty list. */
    public List<Symbol> symbols() {
        SectionHeader symtab = sections.stream().filter(s -> s.type() == Elf.SHT_SYMTAB).findFirst().orElse(null);
        if (symtab == null) return List.of();
        if (symtab.link() >= sections.size()) throw error(header.shoff(), ".symtab links to a missing string table");
        SectionHeader str = sections.get(symtab.link());
        List<Symbol> out = new ArrayList<>();
        for (int i = 0; i < symtab.size() / Elf.SYM_SIZE; i++) {
            int at = (int) symtab.offset() + i * Elf.SYM_SIZE;
            int info = data[at + 4] & 0xff;
            out.add(new Symbol(i, string(str.offset(), str.size(), u32(at)), u64(at + 8), u64(at + 16), info >> 4,
                    info & 0xf, data[at + 5] & 0xff, u16(at + 6)));
        }
        return out;
    }

    /** The entries of a SHT_RELA section. */
    public List<Rela> relocations(SectionHeader rela) {
        List<Rela> out = new ArrayList<>();
        for (int i = 0; i < rela.size() / Elf.RELA_SIZE; i++) {
            int at = (int) rela.offset() + i * Elf.RELA_SIZE;
            long info = u64(at + 8);
            out.add(new Rela(u64(at), (int) (info >>> 32), (int) info, u64(at + 16)));
        }
        return out;
    }

    /** A LinkException naming this file and {@code offset}. */
    LinkException error(long offset, String what) {
        return new LinkException(String.format("%s: offset 0x%x: %s", name, offset, what));
    }

    private void check(long at, long size, String what) {
        if (at < 0 || size < 0 || at + size > data.length)
            throw error(at, what + " (0x" + Long.toHexString(size) + " bytes) lies outside the file (0x"
                    + Integer.toHexString(data.length) + " bytes)");
    }

    private String string(long tableOffset, long tableSize, long index) {
        if (index >= tableSize) throw error(tableOffset, "string index 0x" + Long.toHexString(index) + " is out of range");
        int start = (int) (tableOffset + index), end = start;
        while (end < tableOffset + tableSize && data[end] != 0) end++;
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }

    private int u16(int at) {
        return (data[at] & 0xff) | (data[at + 1] & 0xff) << 8;
    }

    private long u32(int at) {
        return (u16(at) | (long) u16(at + 2) << 16) & 0xffffffffL;
    }

    private long u64(int at) {
        return u32(at) | u32(at + 4) << 32;
    }
}
