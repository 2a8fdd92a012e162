package org.capazos.imagegen.elf;

import org.capazos.dsl.module.Module;
import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.LinkedSymbol;
import org.capazos.imagegen.link.Linker;
import org.capazos.imagegen.link.OutputSection;
import org.capazos.imagegen.script.Parser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The differential test machinery: the same objects and script linked by our linker, by ld.lld-14
 * {@code --no-relax} and by GNU ld (aarch64-linux-gnu-ld, when installed), compared section by section
 * (address, load address, size, bytes), segment by segment (type, addresses, sizes, flags, alignment and the
 * loaded bytes) and symbol by symbol.
 *
 * <p>Where GNU ld and ld.lld differ our linker follows GNU ld, so each comparison says what it checks: GNU ld
 * is compared in full; ld.lld is compared in full where the construct means the same to both, and otherwise
 * only on what both agree on (for example ld.lld lays out program headers differently when the script has no
 * PHDRS: then the loaded memory image is compared instead of the program headers).
 */
final class Differential {
    private Differential() { }

    /** The reference linkers. */
    enum Ref { LLD, GNU }

    /** What to compare with a reference. */
    enum Check {
        /** Sections, program headers one by one with their bytes, symbols, entry. */
        FULL,
        /** Sections, symbols, entry, and the bytes every PT_LOAD of both puts at each address (not the headers). */
        LOAD_IMAGE,
        /** Sections (addresses, sizes, bytes) and symbols only. */
        SECTIONS
    }

    private static boolean warnedGnu;

    static Optional<Path> gnuLd() {
        return ExternalTools.find("aarch64-linux-gnu-ld.bfd", "aarch64-linux-gnu-ld");
    }

    /** Skips the calling test class, loudly, unless llvm-mc and ld.lld are installed. */
    static void requireLlvm() {
        boolean ok = ExternalTools.llvmMc().isPresent() && ExternalTools.lld().isPresent();
        if (!ok) System.err.println("*** SKIPPING differential link tests: llvm-mc and ld.lld(-14) are not on PATH ***");
        assumeTrue(ok, "llvm-mc and ld.lld are needed for the differential tests");
    }

    /** True if GNU ld is installed; says loudly (once) that GNU ld comparisons are skipped when it is not. */
    static boolean haveGnu() {
        boolean ok = gnuLd().isPresent();
        if (!ok && !warnedGnu) {
            warnedGnu = true;
            System.err.println("*** SKIPPING comparisons with GNU ld: aarch64-linux-gnu-ld is not on PATH ***");
        }
        return ok;
    }

    /** Links with a reference linker in {@code dir} (objects named relative to it, as file patterns see them). */
    static Path link(Ref ref, Path dir, Path script, List<Path> objects, String output, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ref == Ref.LLD) cmd.addAll(List.of(ExternalTools.lld().orElseThrow().toString(), "--no-relax"));
        else cmd.add(gnuLd().orElseThrow().toString());
        cmd.addAll(List.of("-static", "-T", dir.relativize(script.toAbsolutePath()).toString(), "-o", output));
        cmd.addAll(List.of(extra));
        for (Path o : objects) cmd.add(dir.relativize(o.toAbsolutePath()).toString());
        ExternalTools.run(dir, cmd).ok(cmd);
        return dir.resolve(output);
    }

    /** Links with a reference linker and expects it to fail; returns its messages. */
    static String linkFails(Ref ref, Path dir, Path script, List<Path> objects) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ref == Ref.LLD) cmd.addAll(List.of(ExternalTools.lld().orElseThrow().toString(), "--no-relax"));
        else cmd.add(gnuLd().orElseThrow().toString());
        cmd.addAll(List.of("-static", "-T", dir.relativize(script.toAbsolutePath()).toString(), "-o", "fail.elf"));
        for (Path o : objects) cmd.add(dir.relativize(o.toAbsolutePath()).toString());
        ExternalTools.Run r = ExternalTools.run(dir, cmd);
        assertNotEquals(0, r.exit(), ref + " was expected to fail: " + r.out() + r.err());
        return r.err() + r.out();
    }

    /** The modules for {@code objects}: each read from disk (named after its file), or {@code dsl} modules. */
    static List<Module> read(List<Path> objects) throws IOException {
        List<Module> out = new ArrayList<>();
        for (Path o : objects) out.add(ElfObjectReader.read(o));
        return out;
    }

    /** Our link of {@code modules} with {@code script} (parsed from its file, so INCLUDEs resolve). */
    static LinkedImage ours(Path script, List<Module> modules) throws IOException {
        return new Linker(Parser.parse(script)).link("ours", modules);
    }

    /**
     * Links {@code objects} with {@code script} by us and by each available reference and compares; {@code lld}
     * and {@code gnu} say how much to compare with each (null: do not link with it).
     */
    static LinkedImage check(Path dir, Path script, List<Path> objects, Check lld, Check gnu) throws IOException {
        LinkedImage ours = ours(script, read(objects));
        if (lld != null) compare(ours, Files.readAllBytes(link(Ref.LLD, dir, script, objects, "lld.elf")), lld, Ref.LLD);
        if (gnu != null && haveGnu())
            compare(ours, Files.readAllBytes(link(Ref.GNU, dir, script, objects, "gnu.elf")), gnu, Ref.GNU);
        return ours;
    }

    /** Compares our image with a reference's output file. */
    static void compare(LinkedImage ours, byte[] theirBytes, Check check, Ref ref) {
        byte[] myBytes = ElfExecutableWriter.write(ours);
        ElfFile mine = ElfFile.parse("ours.elf", myBytes), theirs = ElfFile.parse(ref.toString(), theirBytes);
        compareSections(ours, theirs, ref);
        compareSymbols(ours, theirs, ref);
        if (check == Check.FULL) compareSegments(mine, myBytes, theirs, theirBytes, ref);
        else if (check == Check.LOAD_IMAGE) compareLoadImage(mine, myBytes, theirs, theirBytes, ref);
        // our own file, read back, agrees with the image
        compareSections(ours, mine, null);
    }

    /** Every section: same address, size, kind, load address and bytes; they have no allocated section we lack. */
    static void compareSections(LinkedImage ours, ElfFile theirs, Ref ref) {
        String who = ref == null ? "our ELF" : ref.toString();
        for (OutputSection s : ours.sections()) {
            if (s.size() == 0) continue;
            ElfFile.SectionHeader h = theirs.section(s.name()).orElseThrow(() ->
                    new AssertionError(who + " has no section " + s.name()));
            assertEquals(hex(s.vma()), hex(h.addr()), who + ": " + s.name() + " address");
            assertEquals(hex(s.size()), hex(h.size()), who + ": " + s.name() + " size");
            assertEquals(s.nobits(), h.type() == Elf.SHT_NOBITS, who + ": " + s.name() + " nobits");
            Long lma = loadAddress(theirs, h);
            // GNU ld gives a NOBITS section after an AT> section of its region that AT> region (nothing is loaded
            // there); ld.lld gives it its VMA: compare the load addresses of NOBITS sections with GNU ld only
            if (lma != null && !(ref == Ref.LLD && s.nobits()))
                assertEquals(hex(s.lma()), hex(lma), who + ": " + s.name() + " load address");
            if (!s.nobits()) assertArrayEquals(theirs.bytes(h), s.bytes(), who + ": " + s.name() + " bytes");
        }
        for (ElfFile.SectionHeader h : theirs.sections())
            if (h.isAlloc() && h.size() > 0)
                assertTrue(ours.section(h.name()).isPresent(), "we lack section " + h.name() + " that " + who + " has");
    }

    /** Every named symbol: same value (globals by name, locals as name=value); same entry point. */
    static void compareSymbols(LinkedImage ours, ElfFile theirs, Ref ref) {
        Map<String, String> theirGlobals = new TreeMap<>();
        TreeSet<String> theirLocals = new TreeSet<>();
        for (ElfFile.Symbol y : theirs.symbols()) {
            if (y.name().isEmpty() || y.name().startsWith("$") || y.type() == Elf.STT_SECTION
                    || y.type() == Elf.STT_FILE || y.shndx() == Elf.SHN_UNDEF) continue;
            if (y.bind() == Elf.STB_LOCAL) theirLocals.add(y.name() + "=" + hex(y.value()));
            else theirGlobals.put(y.name(), hex(y.value()));
        }
        Map<String, String> ourGlobals = new TreeMap<>();
        TreeSet<String> ourLocals = new TreeSet<>();
        for (LinkedSymbol y : ours.symbols()) {
            if (y.isGlobal()) ourGlobals.put(y.name(), hex(y.value()));
            else ourLocals.add(y.name() + "=" + hex(y.value()));
        }
        assertEquals(theirGlobals, ourGlobals, ref + ": global symbols");
        assertEquals(theirLocals, ourLocals, ref + ": local symbols");
        // without ENTRY, ld.lld takes _start and GNU ld 'start' or else the start of .text (as we do)
        if (ref != Ref.LLD || ours.entrySymbol() != null)
            assertEquals(hex(theirs.header().entry()), hex(ours.entry()), ref + ": entry");
    }

    /**
     * The program headers one by one: type, addresses, sizes; flags and alignment too against GNU ld and for
     * PT_LOAD against ld.lld (which differs in those of empty non-load segments); and the bytes of each
     * PT_LOAD after the ELF and program headers.
     */
    static void compareSegments(ElfFile mine, byte[] myBytes, ElfFile theirs, byte[] theirBytes, Ref ref) {
        List<ElfFile.ProgramHeader> a = mine.programHeaders(), b = theirs.programHeaders();
        assertEquals(describe(b, ref), describe(a, ref), ref + ": program headers");
        for (int i = 0; i < a.size(); i++) {
            ElfFile.ProgramHeader x = a.get(i), y = b.get(i);
            String what = ref + ": program header " + i;
            assertEquals(y.type(), x.type(), what + " type");
            assertEquals(hex(y.vaddr()), hex(x.vaddr()), what + " p_vaddr");
            assertEquals(hex(y.paddr()), hex(x.paddr()), what + " p_paddr");
            assertEquals(hex(y.filesz()), hex(x.filesz()), what + " p_filesz");
            assertEquals(hex(y.memsz()), hex(x.memsz()), what + " p_memsz");
            if (ref == Ref.GNU || y.type() == Elf.PT_LOAD) {
                assertEquals(y.flags(), x.flags(), what + " p_flags");
                assertEquals(hex(y.align()), hex(x.align()), what + " p_align");
            }
            if (y.type() == Elf.PT_LOAD) {
                long headers = Elf.EHDR_SIZE + (long) Elf.PHDR_SIZE * a.size();
                long skip = Math.max(0, headers - y.offset());
                assertArrayEquals(fileBytes(theirBytes, y.offset() + skip, y.filesz() - Math.min(skip, y.filesz())),
                        fileBytes(myBytes, x.offset() + skip, x.filesz() - Math.min(skip, x.filesz())), what + " bytes");
            }
        }
    }

    /**
     * What the PT_LOADs of both put in memory agrees: for every address both load from the file, the same
     * byte and the same load address (the ELF and program headers excluded).
     */
    static void compareLoadImage(ElfFile mine, byte[] myBytes, ElfFile theirs, byte[] theirBytes, Ref ref) {
        long ourHeaders = Elf.EHDR_SIZE + (long) Elf.PHDR_SIZE * mine.programHeaders().size();
        long theirHeaders = Elf.EHDR_SIZE + (long) Elf.PHDR_SIZE * theirs.programHeaders().size();
        for (ElfFile.ProgramHeader x : mine.programHeaders()) {
            if (x.type() != Elf.PT_LOAD) continue;
            for (ElfFile.ProgramHeader y : theirs.programHeaders()) {
                if (y.type() != Elf.PT_LOAD) continue;
                long lo = umax(x.vaddr() + Math.max(0, ourHeaders - x.offset()),
                        y.vaddr() + Math.max(0, theirHeaders - y.offset()));
                long hi = umin(x.vaddr() + x.filesz(), y.vaddr() + y.filesz());
                if (Long.compareUnsigned(lo, hi) >= 0) continue;
                assertEquals(hex(y.paddr() - y.vaddr()), hex(x.paddr() - x.vaddr()),
                        ref + ": load address of " + hex(lo));
                assertArrayEquals(fileBytes(theirBytes, y.offset() + (lo - y.vaddr()), hi - lo),
                        fileBytes(myBytes, x.offset() + (lo - x.vaddr()), hi - lo), ref + ": bytes loaded at " + hex(lo));
            }
        }
    }

    private static long umax(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static long umin(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static byte[] fileBytes(byte[] f, long offset, long size) {
        return Arrays.copyOfRange(f, (int) offset, (int) (offset + size));
    }

    static List<String> describe(List<ElfFile.ProgramHeader> phs, Ref ref) {
        return phs.stream().map(p -> String.format("type=%#x vaddr=%#x paddr=%#x filesz=%#x memsz=%#x", p.type(),
                p.vaddr(), p.paddr(), p.filesz(), p.memsz()) + (ref == Ref.GNU || p.type() == Elf.PT_LOAD
                ? String.format(" flags=%d align=%#x", p.flags(), p.align()) : "")).toList();
    }

    /** The load address of a section: from the PT_LOAD that holds it, or null if none does. */
    static Long loadAddress(ElfFile f, ElfFile.SectionHeader h) {
        for (ElfFile.ProgramHeader p : f.programHeaders()) {
            if (p.type() != Elf.PT_LOAD) continue;
            if (Long.compareUnsigned(h.addr(), p.vaddr()) >= 0
                    && Long.compareUnsigned(h.addr() - p.vaddr(), Math.max(p.memsz(), 1)) < 0)
                return p.paddr() + (h.addr() - p.vaddr());
        }
        return null;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
