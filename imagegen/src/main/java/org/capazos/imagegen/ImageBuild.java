package org.capazos.imagegen;

import org.capazos.dsl.module.Module;
import org.capazos.imagegen.elf.ElfExecutableWriter;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.Linker;
import org.capazos.imagegen.link.OrphanPolicy;
import org.capazos.imagegen.out.AtomicFiles;
import org.capazos.imagegen.out.BundleWriter;
import org.capazos.imagegen.out.FlatBinary;
import org.capazos.imagegen.out.InstructionPrinter;
import org.capazos.imagegen.out.KernelImage;
import org.capazos.imagegen.out.ListingWriter;
import org.capazos.imagegen.out.MapWriter;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.Parser;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds CapazOS's outputs from the boot stage's and the kernel's modules: links the kernel first, tells the
 * boot stage where the kernel is through absolute symbols taken from that link ({@link KernelLayout#defsyms()}),
 * links the boot stage, and writes {@code boot.elf boot.bin boot.map boot.lst kernel.elf kernel.bin kernel.map
 * kernel.lst kernel.img capazos-<version>.tar.gz} into the output directory.
 *
 * <pre>{@code
 * ImageBuild.Result r = ImageBuild.forRepository(root)   // linkscripts/*.ld in, build/ out
 *         .version("0.1.0")
 *         .build(bootModules, kernelModules);
 * }</pre>
 *
 * <p>Everything is computed in memory first; only when every link and check has passed are the files written,
 * each atomically (temporary file, then move). The same inputs give the same bytes in every file.
 */
public final class ImageBuild {
    /** How QEMU runs the image (the harness's defaults). */
    public static final String QEMU_COMMAND = "qemu-system-aarch64 -M virt -cpu cortex-a72 -m 512M -smp 1 "
            + "-nographic -serial stdio -monitor none -nic none -kernel kernel.img";

    private final Path bootScript;
    private final Path kernelScript;
    private final Path outputDir;
    private String version = "0.1.0-SNAPSHOT";
    private PrintStream log = System.out;
    private InstructionPrinter printer;
    private OrphanPolicy orphans = OrphanPolicy.PLACE;

    /** A build with the given scripts, writing to {@code outputDir}. */
    public ImageBuild(Path bootScript, Path kernelScript, Path outputDir) {
        this.bootScript = bootScript;
        this.kernelScript = kernelScript;
        this.outputDir = outputDir;
    }

    /** A build with {@code root/linkscripts/boot.ld} and {@code root/linkscripts/kernel.ld}, writing to {@code root/build}. */
    public static ImageBuild forRepository(Path root) {
        return new ImageBuild(root.resolve("linkscripts/boot.ld"), root.resolve("linkscripts/kernel.ld"),
                root.resolve("build"));
    }

    /** The version in the bundle's name ({@code capazos-<version>.tar.gz}). */
    public ImageBuild version(String version) {
        this.version = version;
        return this;
    }

    /** Where the kernel's addresses are printed (default {@code System.out}); null for silence. */
    public ImageBuild log(PrintStream log) {
        this.log = log;
        return this;
    }

    /**
     * How instructions are printed in the listings; default (null): the DSL's disassembler, naming branch
     * targets by the image's symbols.
     */
    public ImageBuild instructionPrinter(InstructionPrinter printer) {
        this.printer = printer;
        return this;
    }

    /** What happens to input sections the scripts do not place (default: placed after the last section). */
    public ImageBuild orphans(OrphanPolicy orphans) {
        this.orphans = orphans;
        return this;
    }

    /**
     * What a build produced.
     *
     * @param boot   the linked boot stage
     * @param kernel the linked kernel
     * @param layout where the kernel is (the symbols the boot stage was given)
     * @param files  every file written, by name, in the order written
     */
    public record Result(LinkedImage boot, LinkedImage kernel, KernelLayout layout, Map<String, Path> files) { }

    /**
     * Links and writes everything.
     *
     * @throws LinkException if a script, a link or the image cannot be made (nothing is written then)
     * @throws IOException   if a script cannot be read or a file cannot be written
     */
    public Result build(List<Module> bootModules, List<Module> kernelModules) throws IOException {
        LinkScript kernelLd = Parser.parse(kernelScript);
        LinkScript bootLd = Parser.parse(bootScript);
        LinkedImage kernel = new Linker(kernelLd).orphans(orphans).link("kernel", kernelModules);
        byte[] kernelBin = FlatBinary.of(kernel);
        KernelLayout layout = KernelLayout.of(kernel, kernelBin.length);
        LinkedImage boot = new Linker(bootLd).orphans(orphans).defsyms(layout.defsyms()).link("boot", bootModules);
        byte[] bootBin = FlatBinary.of(boot);
        byte[] img = KernelImage.of(bootBin, boot.lowestLoadAddress(), boot.memoryEnd(), kernelBin, layout.physBase());

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("boot.elf", ElfExecutableWriter.write(boot));
        files.put("boot.bin", bootBin);
        files.put("boot.map", text(MapWriter.write(boot, bootScript.getFileName().toString())));
        files.put("boot.lst", text(new ListingWriter(printer).write(boot)));
        files.put("kernel.elf", ElfExecutableWriter.write(kernel));
        files.put("kernel.bin", kernelBin);
        files.put("kernel.map", text(MapWriter.write(kernel, kernelScript.getFileName().toString())));
        files.put("kernel.lst", text(new ListingWriter(printer).write(kernel)));
        files.put("kernel.img", img);
        String bundle = "capazos-" + version;
        files.put(bundle + ".tar.gz", bundle(bundle, files, layout, boot));

        Map<String, Path> written = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = outputDir.resolve(f.getKey());
            AtomicFiles.write(p, f.getValue());
            written.put(f.getKey(), p);
        }
        if (log != null) {
            log.println(layout.describe());
            log.printf("boot: load address 0x%x, entry 0x%x; kernel.img %d bytes%n", boot.lowestLoadAddress(),
                    boot.entry(), img.length);
        }
        return new Result(boot, kernel, layout, Collections.unmodifiableMap(written));
    }

    private byte[] bundle(String name, Map<String, byte[]> files, KernelLayout layout, LinkedImage boot) {
        String readme = name + "\n\n"
                + "CapazOS for the QEMU virt machine (AArch64).\n\n"
                + "kernel.img   boot stage + padding + kernel, loaded by QEMU at 0x" + Long.toHexString(
                boot.lowestLoadAddress()) + "\n"
                + "boot.elf     the boot stage with symbols (for gdb)\n"
                + "kernel.elf   the kernel with symbols (for gdb)\n"
                + "*.map        link maps\n\n"
                + layout.describe() + "\n\n"
                + "Run:\n  " + QEMU_COMMAND + "\n"
                + "Debug: add -s -S, then gdb-multiarch kernel.elf -ex 'target remote :1234'\n";
        return new BundleWriter(name)
                .add("README", text(readme))
                .add("run-qemu.sh", text("#!/bin/sh\n# Boots CapazOS; quit QEMU with Ctrl-A X.\ncd \"$(dirname \"$0\")\"\n"
                        + "exec " + QEMU_COMMAND + " \"$@\"\n"), 0755)
                .add("kernel.img", files.get("kernel.img"))
                .add("boot.elf", files.get("boot.elf"))
                .add("kernel.elf", files.get("kernel.elf"))
                .add("boot.map", files.get("boot.map"))
                .add("kernel.map", files.get("kernel.map"))
                .toBytes();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
