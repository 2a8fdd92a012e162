package org.capazos.imagegen;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.capazos.dsl.Label;
import org.capazos.dsl.Lo12;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Section;
import org.capazos.dsl.module.Module;
import org.capazos.imagegen.elf.Elf;
import org.capazos.imagegen.elf.ElfFile;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.out.BundleWriter;
import org.capazos.isa.RelocKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.capazos.dsl.Registers.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The whole build with the repository's link scripts: files, kernel.img layout, reproducibility, tools. */
class ImageBuildTest {
    static final Path ROOT = Path.of(System.getProperty("capaz.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /** A boot stage that uses every symbol imagegen gives it. */
    static Module boot() {
        ModuleBuilder mb = new ModuleBuilder("boot");
        RawAssembler a = new RawAssembler(mb.section(".text.boot", Section.Kind.CODE));
        a.bind(new Label("_start").global().function());
        Label physBase = Label.external("__kernel_phys_base");
        a.adrp(x0, physBase);
        a.add(x0, x0, Lo12.lo12(physBase));
        Label entry = Label.external("__kernel_entry");
        a.inst(0xd2800001, entry, 0, RelocKind.MOVW_UABS_G0_NC); // movz x1, #...
        a.inst(0xf2a00001, entry, 0, RelocKind.MOVW_UABS_G1_NC); // movk x1, #..., lsl 16
        a.inst(0xf2c00001, entry, 0, RelocKind.MOVW_UABS_G2_NC); // movk x1, #..., lsl 32
        a.inst(0xf2e00001, entry, 0, RelocKind.MOVW_UABS_G3);    // movk x1, #..., lsl 48
        a.ldr(x2, Label.external("boot_info_words"));
        a.adr(x3, Label.external("boot_stack_top"));
        a.br(x1);
        a.switchTo(mb.section(".rodata", Section.Kind.RODATA));
        a.align(8);
        a.bind(new Label("boot_info_words").global().object());
        a.data(Label.external("__kernel_image_size"), 0, RelocKind.ABS64);
        a.data(Label.external("__kernel_runtime_end_phys"), 0, RelocKind.ABS64);
        a.data(Label.external("__kernel_virt_base"), 0, RelocKind.ABS64);
        a.switchTo(mb.section(".bss", Section.Kind.BSS));
        a.align(16);
        a.space(4096);
        a.bind(new Label("boot_stack_top").global());
        return mb.build();
    }

    /** A kernel of two modules: entry trampoline and a main with data, rodata and bss. */
    static List<Module> kernel() {
        ModuleBuilder crt = new ModuleBuilder("kcrt0");
        RawAssembler a = new RawAssembler(crt.section(".text.entry", Section.Kind.CODE));
        Label kcrt0 = new Label("_kcrt0").global().function();
        a.bind(kcrt0);
        Label bss = Label.external("__bss_start");
        a.adrp(x0, bss);
        a.add(x0, x0, Lo12.lo12(bss));
        a.bl(Label.external("kmain"));
        Label hang = a.here();
        a.wfi();
        a.b(hang);
        kcrt0.size(a.position());

        ModuleBuilder main = new ModuleBuilder("kmain");
        RawAssembler m = new RawAssembler(main.section(".text", Section.Kind.CODE));
        Label kmain = new Label("kmain").global().function();
        m.bind(kmain);
        Label msg = new Label("banner").object();
        m.adrp(x0, msg);
        m.add(x0, x0, Lo12.lo12(msg));
        m.inst(0xf9400001, Label.external("counter"), 0, RelocKind.LDST64_ABS_LO12_NC);
        m.ret();
        kmain.size(m.position());
        m.switchTo(main.section(".rodata", Section.Kind.RODATA));
        m.bind(msg);
        m.asciz("CapazOS");
        m.switchTo(main.section(".data", Section.Kind.DATA));
        m.align(8);
        m.bind(new Label("counter").global().object().size(8));
        m.quad(kmain);
        m.switchTo(main.section(".bss", Section.Kind.BSS));
        m.align(16);
        m.bind(new Label("page_tables").global().object().size(8192));
        m.space(8192);
        return List.of(crt.build(), main.build());
    }

    private ImageBuild.Result build(Path out, ByteArrayOutputStream log) throws IOException {
        return ImageBuild.forRepository(ROOT).version("9.9.9").log(new PrintStream(log, true, StandardCharsets.UTF_8))
                .build(List.of(boot()), kernel());
    }

    private ImageBuild.Result build(Path out) throws IOException {
        return new ImageBuild(ROOT.resolve("linkscripts/boot.ld"), ROOT.resolve("linkscripts/kernel.ld"), out)
                .version("9.9.9").log(null).build(List.of(boot()), kernel());
    }

    @Test
    void writesEveryOutputAndTheKernelImageLayout() throws IOException {
        Path out = tmp.resolve("build");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImageBuild.Result r = new ImageBuild(ROOT.resolve("linkscripts/boot.ld"), ROOT.resolve("linkscripts/kernel.ld"),
                out).version("9.9.9").log(new PrintStream(log, true, StandardCharsets.UTF_8))
                .build(List.of(boot()), kernel());
        assertEquals(List.of("boot.elf", "boot.bin", "boot.map", "boot.lst", "kernel.elf", "kernel.bin", "kernel.map",
                "kernel.lst", "kernel.img", "capazos-9.9.9.tar.gz"), List.copyOf(r.files().keySet()));
        for (Path p : r.files().values()) {
            assertTrue(Files.size(p) > 0, p + " is empty");
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(10, s.count(), "no temporary files are left");
        }

        KernelLayout k = r.layout();
        assertEquals(0x40100000L, k.physBase());
        assertEquals(0xffff000040100000L, k.virtBase());
        assertEquals(r.kernel().symbolValue("_kcrt0"), k.entry());
        assertEquals(0xffff000040100000L, k.entry(), "the entry comes first (.text.entry)");
        byte[] kernelBin = Files.readAllBytes(out.resolve("kernel.bin"));
        assertEquals(kernelBin.length, k.imageSize());
        assertEquals(0, k.runtimeEndPhys() % 4096);
        long bssEnd = r.kernel().section(".bss").orElseThrow().lmaEnd();
        assertEquals((bssEnd + 4095) & -4096L, k.runtimeEndPhys());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(
                "kernel: physical base 0x40100000, virtual base 0xffff000040100000, entry 0xffff000040100000"), log.toString());

        // the boot stage was told all of it, through its symbol table
        LinkedImage boot = r.boot();
        assertEquals(0x40080000L, boot.symbolValue("_start"));
        assertEquals(0x40080000L, boot.entry());
        k.defsyms().forEach((name, value) -> assertEquals(value, boot.symbolValue(name), name));

        // kernel.img = boot.bin + zeros + kernel.bin, kernel at phys base - 0x40080000
        byte[] img = Files.readAllBytes(out.resolve("kernel.img"));
        byte[] bootBin = Files.readAllBytes(out.resolve("boot.bin"));
        int kernelAt = (int) (k.physBase() - 0x40080000L);
        assertEquals(kernelAt + kernelBin.length, img.length);
        assertArrayEquals(bootBin, Arrays.copyOfRange(img, 0, bootBin.length));
        for (int i = bootBin.length; i < kernelAt; i++) assertEquals(0, img[i], "padding at " + i);
        assertArrayEquals(kernelBin, Arrays.copyOfRange(img, kernelAt, img.length));

        // the boot stage's literal holds the kernel's image size
        int lit = (int) (boot.symbolValue("boot_info_words") - 0x40080000L);
        assertEquals(k.imageSize(), le64(bootBin, lit));
        assertEquals(k.runtimeEndPhys(), le64(bootBin, lit + 8));

        // kernel.elf: PT_LOAD p_vaddr = VMA, p_paddr = LMA, .bss NOBITS
        ElfFile elf = ElfFile.parse("kernel.elf", Files.readAllBytes(out.resolve("kernel.elf")));
        assertEquals(Elf.ET_EXEC, elf.header().type());
        assertEquals(Elf.EM_AARCH64, elf.header().machine());
        assertEquals(k.entry(), elf.header().entry());
        ElfFile.ProgramHeader first = elf.programHeaders().get(0);
        assertEquals(0xffff000040100000L, first.vaddr());
        assertEquals(0x40100000L, first.paddr());
        assertEquals(Elf.SHT_NOBITS, elf.section(".bss").orElseThrow().type());
        ElfFile.Symbol kmain = elf.symbols().stream().filter(s -> s.name().equals("kmain")).findFirst().orElseThrow();
        assertEquals(Elf.STT_FUNC, kmain.type());
        assertEquals(16, kmain.size());
        ElfFile.Symbol tables = elf.symbols().stream().filter(s -> s.name().equals("page_tables")).findFirst().orElseThrow();
        assertEquals(Elf.STT_OBJECT, tables.type());
        assertEquals(8192, tables.size());

        String map = Files.readString(out.resolve("kernel.map"));
        assertTrue(map.contains("kcrt0(.text.entry)"), map);
        assertTrue(map.contains("kmain(.bss)"), map);
        assertTrue(map.contains("page_tables [kmain]"), map);
        String lst = Files.readString(out.resolve("kernel.lst"));
        assertTrue(lst.contains("_kcrt0:\n"), lst);
        assertTrue(lst.contains("ffff000040100000:"), lst);
        assertTrue(lst.contains("wfi"), lst);
    }

    @Test
    void buildingTwiceGivesTheSameBytesInEveryFile() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        ImageBuild.Result ra = build(a);
        build(b);
        build(b); // over existing files
        for (String name : ra.files().keySet())
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
    }

    @Test
    void theBundleIsReproducibleAndHoldsImageElvesMapsReadmeAndQemuCommand() throws IOException {
        ImageBuild.Result r = build(tmp.resolve("b"));
        byte[] tgz = Files.readAllBytes(r.files().get("capazos-9.9.9.tar.gz"));
        List<String> names = new ArrayList<>();
        try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(tgz));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
                assertEquals(BundleWriter.FIXED_TIME.toEpochMilli(), e.getModTime().getTime(), e.getName());
                assertEquals(0, e.getLongUserId());
                assertEquals(0, e.getLongGroupId());
                assertEquals("root", e.getUserName());
                if (e.getName().endsWith("README")) {
                    String readme = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(readme.contains("qemu-system-aarch64 -M virt"), readme);
                    assertTrue(readme.contains("-kernel kernel.img"), readme);
                }
                if (e.getName().endsWith("kernel.img"))
                    assertArrayEquals(Files.readAllBytes(r.files().get("kernel.img")), tar.readAllBytes());
            }
        }
        assertEquals(List.of("capazos-9.9.9/", "capazos-9.9.9/README", "capazos-9.9.9/run-qemu.sh",
                "capazos-9.9.9/kernel.img", "capazos-9.9.9/boot.elf", "capazos-9.9.9/kernel.elf",
                "capazos-9.9.9/boot.map", "capazos-9.9.9/kernel.map"), names);
        // the gzip header has the fixed time too
        long mtime = (tgz[4] & 0xffL) | (tgz[5] & 0xffL) << 8 | (tgz[6] & 0xffL) << 16 | (tgz[7] & 0xffL) << 24;
        assertEquals(BundleWriter.FIXED_TIME.getEpochSecond(), mtime);
    }

    @Test
    void aBootStageThatOverlapsTheKernelIsRefusedAndNothingIsWritten() throws IOException {
        Path scripts = tmp.resolve("scripts");
        Files.createDirectories(scripts);
        Files.copy(ROOT.resolve("linkscripts/boot.ld"), scripts.resolve("boot.ld"));
        Files.writeString(scripts.resolve("kernel.ld"), Files.readString(ROOT.resolve("linkscripts/kernel.ld"))
                .replace("KERNEL_PHYS_BASE = 0x40100000;", "KERNEL_PHYS_BASE = 0x40081000;")
                .replace("KERNEL_VIRT_BASE = 0xFFFF000040100000;", "KERNEL_VIRT_BASE = 0xFFFF000040081000;"));
        Path out = tmp.resolve("out");
        ImageBuild b = new ImageBuild(scripts.resolve("boot.ld"), scripts.resolve("kernel.ld"), out).log(null);
        LinkException e = assertThrows(LinkException.class, () -> b.build(List.of(boot()), kernel()));
        assertTrue(e.getMessage().contains("overlaps the kernel"), e.getMessage());
        assertFalse(Files.exists(out), "a failed build writes nothing");
    }

    @Test
    void aFailedLinkLeavesThePreviousOutputsWhole() throws IOException {
        Path out = tmp.resolve("out");
        ImageBuild.Result good = build(out);
        byte[] img = Files.readAllBytes(good.files().get("kernel.img"));
        ModuleBuilder bad = new ModuleBuilder("bad");
        RawAssembler a = new RawAssembler(bad.section(".text", Section.Kind.CODE));
        a.bl(Label.external("nowhere"));
        List<Module> kernel = new ArrayList<>(kernel());
        kernel.add(bad.build());
        ImageBuild b = new ImageBuild(ROOT.resolve("linkscripts/boot.ld"), ROOT.resolve("linkscripts/kernel.ld"), out)
                .log(null).version("9.9.9");
        LinkException e = assertThrows(LinkException.class, () -> b.build(List.of(boot()), kernel));
        assertTrue(e.getMessage().contains("undefined symbol 'nowhere'"), e.getMessage());
        assertArrayEquals(img, Files.readAllBytes(out.resolve("kernel.img")));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(10, s.count());
        }
    }

    @Test
    void llvmReadelfReadsOurExecutablesWithoutWarnings() throws IOException {
        assumeTrue(ExternalTools.readelf().isPresent(), "llvm-readelf");
        ImageBuild.Result r = build(tmp.resolve("b"));
        for (String name : List.of("boot.elf", "kernel.elf")) {
            List<String> cmd = List.of(ExternalTools.readelf().get().toString(), "-a", r.files().get(name).toString());
            ExternalTools.Run run = ExternalTools.run(tmp, cmd).ok(cmd);
            assertEquals("", run.err(), name + ": " + run.err());
            assertFalse(run.out().toLowerCase().contains("warning"), run.out());
            assertTrue(run.out().contains("AArch64"), run.out());
        }
        List<String> cmd = List.of(ExternalTools.readelf().get().toString(), "-l", r.files().get("kernel.elf").toString());
        String phdrs = ExternalTools.run(tmp, cmd).ok(cmd).out();
        assertTrue(phdrs.matches("(?s).*LOAD\\s+0x[0-9a-f]+ 0xffff000040100000 0x0000000040100000.*"), phdrs);
    }

    @Test
    void gdbFindsTheSymbols() throws IOException {
        assumeTrue(ExternalTools.gdb().isPresent(), "gdb-multiarch");
        ImageBuild.Result r = build(tmp.resolve("b"));
        List<String> cmd = List.of(ExternalTools.gdb().get().toString(), "-nx", "-batch", "-ex", "info address _start",
                r.files().get("boot.elf").toString());
        ExternalTools.Run run = ExternalTools.run(tmp, cmd).ok(cmd);
        assertTrue(run.out().contains("Symbol \"_start\" is at 0x40080000"), run.out() + run.err());
        cmd = List.of(ExternalTools.gdb().get().toString(), "-nx", "-batch", "-ex", "info address kmain",
                "-ex", "info symbol 0xffff000040100000", r.files().get("kernel.elf").toString());
        run = ExternalTools.run(tmp, cmd).ok(cmd);
        assertTrue(run.out().contains("Symbol \"kmain\" is at 0xffff0000401000"), run.out() + run.err());
        assertTrue(run.out().contains("_kcrt0 in section .text"), run.out() + run.err());
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }
}
