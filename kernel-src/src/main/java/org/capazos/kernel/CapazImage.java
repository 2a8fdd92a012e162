package org.capazos.kernel;

import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;
import org.capazos.kernel.boot.BootStage;
import org.capazos.kernel.kernel.Kmain;

import java.util.List;

/**
 * CapazOS as {@code capaz-maven-plugin} builds it: the boot stage and the kernel, with the repository's link
 * scripts. {@code mvn package} in this module writes {@code build/} at the repository root.
 */
public final class CapazImage implements ImageDefinition {
    @Override
    public List<Stage> stages(org.capazos.dsl.build.BuildSwitches switches) {
        BuildSwitches s = BuildSwitches.of(switches.values());
        return List.of(
                new Stage("boot", "../linkscripts/boot.ld", List.of(BootStage.build())),
                new Stage("kernel", "../linkscripts/kernel.ld", List.of(Kmain.build(s))));
    }

    @Override
    public String version() {
        return CapazOS.VERSION;
    }
}
