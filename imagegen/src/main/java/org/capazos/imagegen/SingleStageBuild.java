package org.capazos.imagegen;

import org.capazos.dsl.module.Module;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.Linker;
import org.capazos.imagegen.elf.ElfExecutableWriter;
import org.capazos.imagegen.out.AtomicFiles;
import org.capazos.imagegen.out.FlatBinary;
import org.capazos.imagegen.out.ListingWriter;
import org.capazos.imagegen.out.MapWriter;
import org.capazos.imagegen.script.Parser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image of one stage, for bare-metal programs that need no separate boot stage: links the modules with one
 * script and writes {@code <name>.elf}, {@code <name>.bin}, {@code <name>.map}, {@code <name>.lst} and
 * {@code kernel.img} (the flat binary, for QEMU's {@code -kernel}). Nothing is written unless the link succeeds.
 */
public final class SingleStageBuild {
    private final Path script;
    private final Path outputDir;

    public SingleStageBuild(Path script, Path outputDir) {
        this.script = script;
        this.outputDir = outputDir;
    }

    /** What was made: the linked image, the flat binary, and the files by name. */
    public record Result(LinkedImage linked, byte[] image, Map<String, Path> files) { }

    public Result build(String name, List<Module> modules) throws IOException {
        LinkedImage linked = new Linker(Parser.parse(script)).link(name, modules);
        byte[] bin = FlatBinary.of(linked);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(name + ".elf", ElfExecutableWriter.write(linked));
        files.put(name + ".bin", bin);
        files.put(name + ".map", MapWriter.write(linked, script.getFileName().toString()).getBytes(StandardCharsets.UTF_8));
        files.put(name + ".lst", new ListingWriter().write(linked).getBytes(StandardCharsets.UTF_8));
        files.put("kernel.img", bin);
        Map<String, Path> written = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = outputDir.resolve(f.getKey());
            AtomicFiles.write(p, f.getValue());
            written.put(f.getKey(), p);
        }
        return new Result(linked, bin, written);
    }
}
