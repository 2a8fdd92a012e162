package org.capazos.kernel;

import org.capazos.dsl.module.Module;
import org.capazos.imagegen.ImageBuild;
import org.capazos.kernel.boot.BootStage;
import org.capazos.kernel.kernel.Kmain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds CapazOS: runs the boot-stage and kernel builders and links them with {@code linkscripts/} into
 * {@code build/} (boot.elf, boot.bin, kernel.elf, kernel.bin, kernel.img, maps, listings, the bundle).
 * {@code mvn package} runs it; the build switches come from the environment or system properties.
 */
public final class BuildKernel {
    private BuildKernel() { }

    /** The modules of each stage, for a set of build switches. */
    public static List<Module> bootModules() {
        return List.of(BootStage.build());
    }

    public static List<Module> kernelModules(BuildSwitches switches) {
        return List.of(Kmain.build(switches));
    }

    /** Builds into {@code root/build} (or {@code outputDir}) and returns what was made. */
    public static ImageBuild.Result build(Path root, Path outputDir, BuildSwitches switches) throws IOException {
        ImageBuild b = outputDir == null ? ImageBuild.forRepository(root)
                : new ImageBuild(root.resolve("linkscripts/boot.ld"), root.resolve("linkscripts/kernel.ld"), outputDir);
        return b.version(CapazOS.VERSION).build(bootModules(), kernelModules(switches));
    }

    /** {@code BuildKernel [root [outputDir]]}: root defaults to the current directory. */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path out = args.length > 1 ? Path.of(args[1]) : null;
        BuildSwitches switches = BuildSwitches.fromEnvironment();
        if (switches.kmainDebug()) System.out.println("build switch: KMAIN_DEBUG=1");
        if (switches.faultTest()) System.out.println("build switch: CAPAZ_FAULT_TEST=1");
        build(root, out, switches);
    }
}
