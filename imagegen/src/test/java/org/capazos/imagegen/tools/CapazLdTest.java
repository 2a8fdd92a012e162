package org.capazos.imagegen.tools;

import org.capazos.imagegen.elf.Elf;
import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.elf.ElfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * capaz-ld and ld.lld {@code --no-relax}, given the same objects and script (dsl/src/test/resources/text/link.ld),
 * make the same loadable bytes at the same addresses and the same symbol values, whether the objects come from
 * capaz-as or from llvm-mc: four links, one image. Plus the flags (-o, -Map, --oformat binary, -e, --defsym)
 * and the errors (the script's file:line:column, the object and symbol of an undefined reference).
 */
class CapazLdTest {
    static final List<String> OBJECTS = List.of("directives", "relocs", "macros", "externs");

    @TempDir
    Path dir;

    private List<String> capazObjects() {
        List<String> out = new ArrayList<>();
        for (String n : OBJECTS) out.add(CapazAsDifferentialTest.capazObject(dir, n).toString());
        return out;
    }

    private List<String> llvmObjects() throws IOException {
        List<String> out = new ArrayList<>();
        for (String n : OBJECTS) out.add(CapazAsDifferentialTest.llvmMcObject(dir, n).toString());
        return out;
    }

    private static String script() {
        return ToolRun.sources().resolve("link.ld").toString();
    }

    private Path capazLd(String output, List<String> objects, String... extra) {
        List<String> args = new ArrayList<>(List.of("-T", script(), "-o", dir.resolve(output).toString()));
        args.addAll(List.of(extra));
        args.addAll(objects);
        ToolRun.Result r = ToolRun.ld(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return dir.resolve(output);
    }

    private Path lldLink(String output, List<String> objects) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ToolRun.lld().toString(), "--no-relax", "-static", "-T", script(),
                "-o", dir.resolve(output).toString()));
        cmd.addAll(objects);
        ExternalTools.run(dir, cmd).ok(cmd);
        return dir.resolve(output);
    }

    /** Allocatable sections: name to address, size, type and (for PROGBITS) bytes. */
    static Map<String, String> loadable(ElfFile elf) {
        Map<String, String> out = new TreeMap<>();
        for (ElfFile.SectionHeader s : elf.sections()) {
            if (!s.isAlloc() || s.size() == 0) continue;
            String bytes = s.type() == Elf.SHT_NOBITS ? "nobits" : HexFormat.of().formatHex(elf.bytes(s));
            out.put(s.name(), String.format("addr 0x%x size 0x%x %s", s.addr(), s.size(), bytes));
        }
        return out;
    }

    /** Defined symbols other than sections, files and $x/$d: "name = value", sorted (locals may repeat). */
    static List<String> symbols(ElfFile elf) {
        List<String> out = new ArrayList<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (s.index() == 0 || s.shndx() == Elf.SHN_UNDEF || s.type() == Elf.STT_SECTION || s.type() == Elf.STT_FILE)
                continue;
            if (s.name().isEmpty() || s.name().startsWith("$x") || s.name().startsWith("$d")) continue;
            out.add(s.name() + " = 0x" + Long.toHexString(s.value()));
        }
        out.sort(null);
        return out;
    }

    private static ElfFile read(Path p) throws IOException {
        return ElfFile.parse(p.getFileName().toString(), Files.readAllBytes(p));
    }

    @Test
    void capazAndLlvmObjectsLinkToTheSameImageWithCapazLdAndLld() throws IOException {
        List<String> ours = capazObjects(), mc = llvmObjects();
        ElfFile reference = read(lldLink("lld-mc.elf", mc));
        Map<String, String> sections = loadable(reference);
        List<String> symbols = symbols(reference);
        assertEquals(List.of(".data", ".rodata", ".text"), List.copyOf(sections.keySet()).stream()
                .filter(n -> !n.equals(".bss")).toList(), "the script's output sections");
        for (Path p : List.of(lldLink("lld-capaz.elf", ours), capazLd("capaz-mc.elf", mc),
                capazLd("capaz-capaz.elf", ours))) {
            ElfFile e = read(p);
            assertEquals(sections, loadable(e), p.getFileName() + ": loadable sections");
            assertEquals(symbols, symbols(e), p.getFileName() + ": symbol values");
            assertEquals(reference.header().entry(), e.header().entry(), p.getFileName() + ": entry");
        }
    }

    @Test
    void flatBinaryMapEntryAndDefsym() throws IOException {
        List<String> ours = capazObjects();
        Path elf = capazLd("k.elf", ours, "-Map", dir.resolve("k.map").toString(), "-e", "helper",
                "--defsym", "weak_ext=0x1234");
        Path bin = capazLd("k.bin", ours, "--oformat", "binary", "--defsym=weak_ext=0x1234");
        ElfFile e = read(elf);
        long helper = e.symbols().stream().filter(s -> s.name().equals("helper")).findFirst().orElseThrow().value();
        assertEquals(helper, e.header().entry(), "-e helper");
        assertTrue(e.symbols().stream().anyMatch(s -> s.name().equals("weak_ext") && s.value() == 0x1234), "--defsym");
        String map = Files.readString(dir.resolve("k.map"));
        assertTrue(map.contains(".text") && map.contains("_start"), map);
        // the flat binary is the loadable bytes from the lowest address, as llvm-objcopy -O binary makes it
        byte[] flat = Files.readAllBytes(bin);
        var objcopy = ToolRun.objcopy();
        if (objcopy.isPresent()) {
            Path ref = dir.resolve("ref.bin");
            List<String> cmd = List.of(objcopy.get().toString(), "-O", "binary", elf.toString(), ref.toString());
            ExternalTools.run(dir, cmd).ok(cmd);
            assertArrayEquals(Files.readAllBytes(ref), flat);
        } else {
            System.err.println("*** llvm-objcopy not found: the flat binary is checked against the ELF only ***");
        }
        ElfFile.SectionHeader text = e.section(".text").orElseThrow();
        byte[] t = e.bytes(text);
        assertArrayEquals(t, java.util.Arrays.copyOfRange(flat, 0, t.length), ".text starts the binary");
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    @Test
    void scriptErrorsNameTheScriptsLineAndColumn() throws IOException {
        Path o = CapazAsDifferentialTest.capazObject(dir, "externs");
        Path bad = dir.resolve("bad.ld");
        Files.writeString(bad, "SECTIONS\n{\n    .text : { *(.text .text.*) }\n    .data : { *(.data) \n}\n");
        Path out = dir.resolve("out.elf");
        Files.writeString(out, "stale");
        ToolRun.Result r = ToolRun.ld("-T", bad.toString(), "-o", out.toString(), o.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("capaz-ld: error: " + bad + ":6:1: "), r.err());
        assertFalse(Files.exists(out), "no output after an error");
    }

    @Test
    void undefinedSymbolsNameTheObjectAndTheSymbol() throws IOException {
        Path src = dir.resolve("u.s");
        Files.writeString(src, ".text\n.globl _start\n_start:\n    nop\n    bl missing_fn\n");
        Path o = dir.resolve("u.o");
        assertEquals(0, ToolRun.as("-o", o.toString(), src.toString()).exit());
        Path out = dir.resolve("u.elf");
        ToolRun.Result r = ToolRun.ld("-T", script(), "-o", out.toString(), "-Map", dir.resolve("u.map").toString(),
                o.toString());
        assertEquals(1, r.exit());
        assertEquals("capaz-ld: error: undefined symbol 'missing_fn', referenced at: u.o:.text+0x4\n", r.err());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("u.map")));
    }

    @Test
    void usageErrorsAndMissingInputs() {
        ToolRun.Result r = ToolRun.ld("-o", dir.resolve("x.elf").toString(), "a.o");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("capaz-ld: error: no link script: give one with -T script.ld"), r.err());
        r = ToolRun.ld("-T", script(), "-o", dir.resolve("x.elf").toString(), dir.resolve("nothere.o").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("nothere.o: no such file"), r.err());
        r = ToolRun.ld("--frobnicate");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("unknown option '--frobnicate'"), r.err());
        r = ToolRun.ld("-T", script(), "--oformat", "srec", "a.o");
        assertTrue(r.err().contains("unsupported output format 'srec'"), r.err());
    }

    @Test
    void helpAndVersion() {
        ToolRun.Result r = ToolRun.ld("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: capaz-ld -T script.ld"), r.out());
        r = ToolRun.ld("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("capaz-ld "), r.out());
    }
}
