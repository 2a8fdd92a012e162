package org.capazos.kernel;

import org.capazos.imagegen.ImageBuild;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Kernel images for tests, built in-process once per set of build switches (into target/images/). */
public final class KernelImages {
    private static final Map<BuildSwitches, ImageBuild.Result> BUILT = new ConcurrentHashMap<>();

    private KernelImages() { }

    /** The repository root (where linkscripts/ is). */
    public static Path root() {
        String p = System.getProperty("capaz.root");
        Path dir = p != null && !p.isBlank() && !p.contains("${") ? Path.of(p) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("linkscripts"))) dir = dir.getParent();
        if (dir == null) throw new IllegalStateException("cannot find the repository root (linkscripts/)");
        return dir;
    }

    /** The build for {@code switches}, made on first use. */
    public static synchronized ImageBuild.Result build(BuildSwitches switches) {
        return BUILT.computeIfAbsent(switches, s -> {
            String name = (s.kmainDebug() ? "kmain-debug" : "default") + (s.faultTest() ? "-fault-test" : "");
            Path out = root().resolve("kernel-src/target/images").resolve(name);
            try {
                return BuildKernel.build(root(), out, s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static Path image(BuildSwitches switches) {
        return build(switches).files().get("kernel.img");
    }
}
