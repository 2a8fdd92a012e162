package org.capazos.imagegen.tools;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.dsl.module.Relocation;
import org.capazos.imagegen.ExternalTools;
import org.capazos.imagegen.elf.ElfObjectReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * capaz-as against {@code llvm-mc -filetype=obj -triple=aarch64 -mattr=+v8.2a,+lse} on the test sources
 * (dsl/src/test/resources/text): the same allocatable sections (flags, size, bytes), the same symbols (value,
 * size, binding, type, section) and the same relocations (local symbols taken as section + offset, as a linker
 * sees them). Our objects must also read cleanly with {@code llvm-readelf -a}.
 */
class CapazAsDifferentialTest {
    @TempDir
    Path dir;

    static Path llvmMcObject(Path dir, String name) throws IOException {
        Path src = ToolRun.sources().resolve(name + ".s");
        Path out = dir.resolve(name + ".mc.o");
        List<String> cmd = List.of(ToolRun.llvmMc().toString(), "-filetype=obj", "-triple=aarch64",
                "-mattr=+v8.2a,+lse", "-I", ToolRun.sources().toString(), src.toString(), "-o", out.toString());
        ExternalTools.run(dir, cmd).ok(cmd);
        return out;
    }

    static Path capazObject(Path dir, String name) {
        Path src = ToolRun.sources().resolve(name + ".s");
        Path out = dir.resolve(name + ".o");
        ToolRun.Result r = ToolRun.as("-I", ToolRun.sources().toString(), "-o", out.toString(), src.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err(), "no diagnostics expected");
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"directives", "relocs", "macros", "externs", "instructions", "kernel_style"})
    void sameSectionsSymbolsAndRelocationsAsLlvmMc(String name) throws IOException {
        Path mc = llvmMcObject(dir, name);
        Path ours = capazObject(dir, name);
        assertSameObject(ElfObjectReader.read(mc), ElfObjectReader.read(ours));
    }

    @ParameterizedTest
    @ValueSource(strings = {"directives", "relocs", "macros", "externs", "instructions", "kernel_style"})
    void llvmReadelfReadsOurObjectsWithoutWarnings(String name) throws IOException {
        Path readelf = ToolRun.readelf();
        Path ours = capazObject(dir, name);
        List<String> cmd = List.of(readelf.toString(), "-a", "--wide", ours.toString());
        ExternalTools.Run r = ExternalTools.run(dir, cmd).ok(cmd);
        assertEquals("", r.err(), "llvm-readelf warnings");
        assertTrue(r.out().contains("ELF64") && r.out().contains("AArch64"), r.out());
        assertTrue(r.out().contains("REL (Relocatable file)"), r.out());
    }

    static void assertSameObject(Module mc, Module ours) {
        Map<String, ModuleSection> a = sections(mc), b = sections(ours);
        assertEquals(a.keySet(), b.keySet(), "allocatable sections");
        for (String s : a.keySet()) {
            ModuleSection x = a.get(s), y = b.get(s);
            assertEquals(x.flags(), y.flags(), s + " flags");
            assertEquals(x.nobits(), y.nobits(), s + " nobits");
            assertEquals(x.size(), y.size(), s + " size");
            assertEquals(HexFormat.of().formatHex(x.bytes()), HexFormat.of().formatHex(y.bytes()), s + " bytes");
            // llvm-mc 14 leaves code sections other than .text at alignment 1; we keep instructions 4-aligned
            long ax = x.isExec() ? Math.max(4, x.alignment()) : x.alignment();
            assertEquals(ax, y.alignment(), s + " alignment");
            assertEquals(relocations(x), relocations(y), s + " relocations");
        }
        assertEquals(symbols(mc), symbols(ours), "symbols");
    }

    private static Map<String, ModuleSection> sections(Module m) {
        Map<String, ModuleSection> out = new TreeMap<>();
        for (ModuleSection s : m.sections()) if (s.isAlloc()) out.put(s.name(), s);
        return out;
    }

    private static List<String> relocations(ModuleSection s) {
        List<String> out = new ArrayList<>();
        for (Relocation r : s.relocations())
            out.add(String.format("%06x %s %s%+d", r.offset(), r.kind(), r.symbol(), r.addend()));
        out.sort(null);
        return out;
    }

    private static TreeSet<String> symbols(Module m) {
        TreeSet<String> out = new TreeSet<>();
        for (ModuleSymbol s : m.symbols()) {
            if (s.type() == ModuleSymbol.Type.SECTION) continue;
            out.add(s.name() + " " + s.section() + " 0x" + Long.toHexString(s.value()) + " size " + s.size() + " "
                    + s.binding() + " " + s.type());
        }
        return out;
    }

    // ---- --show-encoding ------------------------------------------------------------------------------------

    private static final Pattern ENCODING = Pattern.compile("// encoding: \\[([^]]*)]");

    /** The encodings llvm-mc -show-encoding prints: bytes it knows, or null for bits a fixup fills. */
    private static List<String[]> encodings(String listing) {
        List<String[]> out = new ArrayList<>();
        for (String line : listing.split("\n")) {
            Matcher m = ENCODING.matcher(line);
            if (m.find()) out.add(m.group(1).split(","));
        }
        return out;
    }

    @Test
    void showEncodingPrintsOneLinePerInstructionWithLlvmMcsBytes() throws IOException {
        Path mcTool = ToolRun.llvmMc();
        for (String name : List.of("instructions", "relocs", "macros")) {
            Path src = ToolRun.sources().resolve(name + ".s");
            List<String> cmd = List.of(mcTool.toString(), "-show-encoding", "-triple=aarch64", "-mattr=+v8.2a,+lse",
                    "-I", ToolRun.sources().toString(), src.toString());
            List<String[]> want = encodings(ExternalTools.run(dir, cmd).ok(cmd).out());
            ToolRun.Result r = ToolRun.as("--show-encoding", "-I", ToolRun.sources().toString(), src.toString());
            assertEquals(0, r.exit(), r.err());
            String[] lines = r.out().split("\n");
            List<String[]> got = encodings(r.out());
            assertEquals(lines.length, got.size(), "one line per instruction, each with its encoding");
            assertEquals(want.size(), got.size(), name + ": instruction count");
            for (int i = 0; i < want.size(); i++) {
                for (int k = 0; k < 4; k++) {
                    String w = want.get(i)[k].strip();
                    if (!w.matches("0x[0-9a-f]{2}")) continue; // bits of a fixup: llvm-mc prints A or 0bAA...
                    assertEquals(w, got.get(i)[k].strip(), name + ": instruction " + i + " (" + lines[i].strip()
                            + ") byte " + k);
                }
            }
            assertTrue(lines[0].startsWith("\t") && lines[0].contains("// encoding: [0x"), lines[0]);
        }
    }

    @Test
    void sourceFromStandardInput() throws IOException {
        Path out = dir.resolve("stdin.o");
        ToolRun.Result r = ToolRun.asWithInput(".text\n.globl f\nf: add x0, x1, #16\n ret\n", "-o", out.toString(), "-");
        assertEquals(0, r.exit(), r.err());
        Module m = ElfObjectReader.read(out);
        assertEquals("20400091c0035fd6", HexFormat.of().formatHex(m.section(".text").bytes()));
        assertEquals(ModuleSymbol.Binding.GLOBAL, m.symbol("f").binding());
        assertTrue(Arrays.equals(new int[] {0, 4}, m.section(".text").instructions()));
    }
}
