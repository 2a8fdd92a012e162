package nolink;

import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.build.BuildSwitches;
import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;

import java.util.List;

public final class NoScriptImage implements ImageDefinition {
    @Override
    public List<Stage> stages(BuildSwitches switches) {
        ModuleBuilder mb = new ModuleBuilder("nolink");
        new MacroAssembler(mb).nop();
        return List.of(new Stage("nolink", "scripts/missing.ld", List.of(mb.build())));
    }
}
