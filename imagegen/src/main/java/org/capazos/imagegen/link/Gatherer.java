package org.capazos.imagegen.link;

import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.SourceLocation;
import org.capazos.imagegen.script.Statement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assigns input sections to output section descriptions as GNU ld does: descriptions in script order, input
 * section descriptions in order within each, and for each of those the modules in the order given and their
 * sections in order; the first description that matches a section takes it. Sections gathered by
 * {@code /DISCARD/} are discarded; the rest are orphans, handled by the {@link OrphanPolicy}.
 */
final class Gatherer {
    private static final SourceLocation ORPHAN = new SourceLocation("(orphan)", 0, 0);

    final Map<Statement.InputSpec, List<InputSection>> gathered = new IdentityHashMap<>();
    final Map<Statement.OutputSection, List<InputSection>> extraInputs = new IdentityHashMap<>();
    final Set<Statement.OutputSection> orphans = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<Statement> commands = new ArrayList<>();

    Gatherer(LinkScript script, List<InputSection> inputs, OrphanPolicy policy) {
        for (Statement.OutputSection out : script.outputSections()) {
            for (Statement b : out.body()) {
                if (!(b instanceof Statement.InputSpec spec)) continue;
                List<InputSection> list = new ArrayList<>();
                for (InputSection in : inputs) {
                    if (in.assigned || !spec.matches(in.module.name(), in.name())) continue;
                    in.assigned = true;
                    if (out.isDiscard()) in.discarded = true;
                    else list.add(in);
                }
                gathered.put(spec, list);
            }
        }
        Map<String, List<InputSection>> orphanGroups = new LinkedHashMap<>();
        for (InputSection in : inputs)
            if (!in.assigned) orphanGroups.computeIfAbsent(in.name(), k -> new ArrayList<>()).add(in);
        if (!orphanGroups.isEmpty() && policy == OrphanPolicy.ERROR) {
            List<String> names = new ArrayList<>();
            for (List<InputSection> g : orphanGroups.values()) for (InputSection in : g) names.add(in.describe());
            throw new LinkException(script.file() + ": no output section description matches input section"
                    + (names.size() > 1 ? "s " : " ") + String.join(", ", names));
        }
        List<Statement> newOnes = new ArrayList<>();
        for (Map.Entry<String, List<InputSection>> g : orphanGroups.entrySet()) {
            for (InputSection in : g.getValue()) in.assigned = true;
            Statement.OutputSection existing = script.outputSections().stream()
                    .filter(o -> o.name().equals(g.getKey()) && !o.isDiscard()).findFirst().orElse(null);
            if (existing != null) {
                extraInputs.computeIfAbsent(existing, k -> new ArrayList<>()).addAll(g.getValue());
                continue;
            }
            Statement.OutputSection o = new Statement.OutputSection(g.getKey(), null, false, null, null, null, null,
                    List.of(), ORPHAN);
            extraInputs.put(o, new ArrayList<>(g.getValue()));
            orphans.add(o);
            newOnes.add(o);
        }
        int last = -1;
        for (int i = 0; i < script.commands().size(); i++)
            if (script.commands().get(i) instanceof Statement.OutputSection o && !o.isDiscard()) last = i;
        commands.addAll(script.commands());
        commands.addAll(last + 1, newOnes);
    }
}
