package org.capazos.maven;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.capazos.harness.Run;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Boots the project's {@code kernel.img} in QEMU virt with the serial console on the terminal, choosing the
 * backend as the tests do ({@code -Dcapaz.qemu}).
 */
@Mojo(name = "run", threadSafe = true, requiresProject = true)
public class RunMojo extends AbstractMojo {
    @Parameter(property = "capaz.outputDirectory", defaultValue = "${project.basedir}/build")
    File outputDirectory;

    @Parameter(property = "capaz.qemu.cpu", defaultValue = "cortex-a72")
    String cpu;

    @Parameter(property = "capaz.qemu.memory", defaultValue = "512M")
    String memory;

    @Parameter(property = "capaz.qemu.smp", defaultValue = "1")
    int smp;

    /** Options appended to {@code -M virt}, e.g. {@code virtualization=on}. */
    @Parameter(property = "capaz.qemu.machine")
    String machine;

    String mode() {
        return "run";
    }

    @Override
    public void execute() throws MojoFailureException {
        File image = new File(outputDirectory, "kernel.img");
        if (!image.isFile()) throw new MojoFailureException("no image at " + image + "; run mvn package first");
        List<String> args = new ArrayList<>(List.of(mode(), image.getPath(), "--cpu=" + cpu, "--memory=" + memory,
                "--smp=" + smp));
        if (machine != null && !machine.isBlank()) args.add("--machine=" + machine);
        int status = Run.run(args.toArray(new String[0]));
        if (status != 0 && status != 130) throw new MojoFailureException("QEMU exited with status " + status);
    }
}
