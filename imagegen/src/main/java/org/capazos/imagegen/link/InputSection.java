package org.capazos.imagegen.link;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;

/** An allocatable section of an input module, with where the layout put it. */
final class InputSection {
    final Module module;
    final ModuleSection section;
    /** Set when gathered by {@code /DISCARD/}. */
    boolean discarded;
    /** Set when gathered by an output section description (or made an orphan). */
    boolean assigned;
    /** The output section's name once placed. */
    String output;
    /** The virtual address in the current layout pass, and whether it was set in this pass. */
    long vma;
    boolean placedThisPass;

    InputSection(Module module, ModuleSection section) {
        this.module = module;
        this.section = section;
    }

    String name() {
        return section.name();
    }

    /** {@code module:section}, for messages. */
    String describe() {
        return module.name() + ":" + section.name();
    }
}
