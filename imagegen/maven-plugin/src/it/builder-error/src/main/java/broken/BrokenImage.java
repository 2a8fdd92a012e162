package broken;

import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.build.BuildSwitches;
import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;

import java.util.List;

import static org.capazos.dsl.Registers.*;

public final class BrokenImage implements ImageDefinition {
    @Override
    public List<Stage> stages(BuildSwitches switches) {
        MacroAssembler a = new MacroAssembler(new ModuleBuilder("broken"));
        a.add(x0, x1, 5000);   // not an add/sub immediate: the build must name this line
        return List.of();
    }
}
