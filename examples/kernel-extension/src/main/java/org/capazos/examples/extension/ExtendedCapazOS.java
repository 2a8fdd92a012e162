package org.capazos.examples.extension;

import org.capazos.dsl.build.BuildSwitches;
import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;
import org.capazos.kernel.boot.BootStage;
import org.capazos.kernel.kernel.Kmain;

import java.util.List;

/** CapazOS with one more kmain step, linked with the repository's own scripts. */
public final class ExtendedCapazOS implements ImageDefinition {
    @Override
    public List<Stage> stages(BuildSwitches switches) {
        return List.of(
                new Stage("boot", "../../linkscripts/boot.ld", List.of(BootStage.build())),
                new Stage("kernel", "../../linkscripts/kernel.ld", List.of(Kmain.build(
                        org.capazos.kernel.BuildSwitches.of(switches.values()), List.of(new UptimeStep())))));
    }
}
