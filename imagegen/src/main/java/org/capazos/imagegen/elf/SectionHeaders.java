package org.capazos.imagegen.elf;

import java.util.ArrayList;
import java.util.List;

/** The section header table being built by a writer, and the ELF header both writers share. */
final class SectionHeaders {
    /** One section header. */
    record Entry(int name, int type, long flags, long addr, long offset, long size, int link, int info, long align,
                 long entsize) { }

    final StringTable names = new StringTable();
    private final List<Entry> entries = new ArrayList<>();

    SectionHeaders() {
        entries.add(new Entry(0, Elf.SHT_NULL, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /** Adds a section header and returns its index. */
    int add(String name, int type, long flags, long addr, long offset, long size, int link, int info, long align,
            long entsize) {
        entries.add(new Entry(names.add(name), type, flags, addr, offset, size, link, info, align, entsize));
        return entries.size() - 1;
    }

    /** Replaces the header at {@code index} (to fill in links known later). */
    void set(int index, Entry e) {
        entries.set(index, e);
    }

    Entry get(int index) {
        return entries.get(index);
    }

    int count() {
        return entries.size();
    }

    /** The index the next {@link #add} will return. */
    int next() {
        return entries.size();
    }

    /** Writes the table (8-byte aligned) and returns its offset. */
    long write(ByteSink out) {
        out.align(8);
        long at = out.size();
        for (Entry e : entries) {
            out.u32(e.name()).u32(e.type()).u64(e.flags()).u64(e.addr()).u64(e.offset()).u64(e.size())
                    .u32(e.link()).u32(e.info()).u64(e.align()).u64(e.entsize());
        }
        return at;
    }

    /** Writes an ELF64 little-endian AArch64 header; e_shoff is patched later at offset 40. */
    static void writeHeader(ByteSink out, int type, long entry, int phnum, int shnum, int shstrndx) {
        out.u8(0x7f).u8('E').u8('L').u8('F').u8(2).u8(1).u8(1).u8(0).u64(0);
        out.u16(type).u16(Elf.EM_AARCH64).u32(1).u64(entry).u64(phnum == 0 ? 0 : Elf.EHDR_SIZE).u64(0).u32(0)
                .u16(Elf.EHDR_SIZE).u16(phnum == 0 ? 0 : Elf.PHDR_SIZE).u16(phnum).u16(Elf.SHDR_SIZE).u16(shnum)
                .u16(shstrndx);
    }

    /** One symbol table entry. */
    static void writeSymbol(ByteSink out, int name, int bind, int type, int other, int shndx, long value, long size) {
        out.u32(name).u8(bind << 4 | type).u8(other).u16(shndx).u64(value).u64(size);
    }
}
