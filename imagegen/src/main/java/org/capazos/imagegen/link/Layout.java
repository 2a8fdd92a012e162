package org.capazos.imagegen.link;

import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.Environment;
import org.capazos.imagegen.script.Evaluator;
import org.capazos.imagegen.script.Expr;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.MemoryRegion;
import org.capazos.imagegen.script.SourceLocation;
import org.capazos.imagegen.script.Statement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the commands of a link script over the gathered input sections: places output sections (VMA and LMA)
 * and input sections, defines script symbols and checks assertions. Forward references (a symbol or
 * {@code SIZEOF} used before the command that defines it) take the previous pass's value, so the layout is
 * repeated until nothing moves, as GNU ld does; assertions and region overflows are checked in the final pass.
 *
 * <p>LMA rule (as ld.lld): {@code AT(e)} sets the section's LMA - VMA offset, {@code AT>region} sets it from the
 * region's cursor, and a section with neither keeps the offset of the previous section (reset to 0 when the
 * memory region changes or the previous section used {@code AT>}).
 */
final class Layout implements Environment {
    private static final int MAX_PASSES = 10;

    /** An output section as placed in one pass. */
    static final class Placed {
        final Statement.OutputSection statement;
        final List<InputSection> inputs;
        final boolean orphan;
        long vma, lma, size, align;
        boolean done, nobits;
        int flags;

        Placed(Statement.OutputSection statement, List<InputSection> inputs, boolean orphan) {
            this.statement = statement;
            this.inputs = inputs;
            this.orphan = orphan;
        }

        String name() {
            return statement.name();
        }
    }

    /** A symbol assigned by the script. */
    record ScriptSymbol(String name, long value, String section, boolean hidden, SourceLocation at) { }

    private final LinkScript script;
    private final List<Statement> commands;
    private final Map<Statement.InputSpec, List<InputSection>> gathered;
    private final Map<Statement.OutputSection, List<InputSection>> extraInputs;
    private final Set<Statement.OutputSection> orphans;
    private final SymbolTable symbols;
    private final Map<String, Long> defsyms;
    private final Set<String> activeProvides;
    private final Set<String> scriptAssigned;
    private final Set<String> outputNames;
    private final Map<String, MemoryRegion> regions = new LinkedHashMap<>();

    private long dot;
    private long lmaOffset;
    private String prevRegion, prevLmaRegion;
    private boolean finalPass;
    private Map<String, Placed> placed = new LinkedHashMap<>();
    private Map<String, Placed> prevPlaced = new LinkedHashMap<>();
    private Map<String, ScriptSymbol> scriptSymbols = new LinkedHashMap<>();
    private Map<String, ScriptSymbol> prevScriptSymbols = new LinkedHashMap<>();
    private final Map<String, long[]> regionState = new HashMap<>();
    private final List<String> failures = new ArrayList<>();

    Layout(LinkScript script, List<Statement> commands, Map<Statement.InputSpec, List<InputSection>> gathered,
           Map<Statement.OutputSection, List<InputSection>> extraInputs, Set<Statement.OutputSection> orphans,
           SymbolTable symbols, Map<String, Long> defsyms, Set<String> activeProvides, Set<String> scriptAssigned,
           Set<String> outputNames) {
        this.script = script;
        this.commands = commands;
        this.gathered = gathered;
        this.extraInputs = extraInputs;
        this.orphans = orphans;
        this.symbols = symbols;
        this.defsyms = defsyms;
        this.activeProvides = activeProvides;
        this.scriptAssigned = scriptAssigned;
        this.outputNames = outputNames;
        for (MemoryRegion r : script.memory()) {
            if (regions.putIfAbsent(r.name(), r) != null)
                throw LinkException.at(r.at(), "memory region " + r.name() + " is defined twice");
        }
    }

    /** Runs passes until the layout is stable, then a final pass with all checks. */
    void run() {
        List<Long> previous = null;
        for (int i = 0; i < MAX_PASSES; i++) {
            pass();
            List<Long> now = signature();
            if (now.equals(previous)) {
                finalPass = true;
                pass();
                if (!failures.isEmpty()) throw new LinkException(String.join("\n", failures));
                return;
            }
            previous = now;
        }
        throw new LinkException(script.file() + ": the layout does not settle after " + MAX_PASSES
                + " passes (symbols or sizes depend on each other in a cycle)");
    }

    /** The placed output sections, in script order (orphans after the last description). */
    List<Placed> sections() {
        return List.copyOf(placed.values());
    }

    /** The symbols the script assigned, in the order first assigned. */
    List<ScriptSymbol> scriptSymbols() {
        return List.copyOf(scriptSymbols.values());
    }

    /** The value of a global name: a script symbol, a defsym or a module global; null if none. */
    Long globalValue(String name, SourceLocation at) {
        ScriptSymbol s = scriptSymbols.get(name);
        if (s != null) return s.value();
        Long d = defsyms.get(name);
        if (d != null) return d;
        SymbolTable.Definition g = symbols.global(name);
        return g == null ? null : address(g, at);
    }

    /** The address of a module symbol definition. */
    long address(SymbolTable.Definition d, SourceLocation at) {
        ModuleSymbol s = d.symbol();
        if (ModuleSymbol.ABSOLUTE.equals(s.section())) return s.value();
        InputSection in = d.section();
        String where = at == null ? "" : at + ": ";
        if (in == null) throw new LinkException(where + "symbol '" + s.name() + "' of module " + d.module().name()
                + " is in section " + s.section() + ", which is not allocated and has no address");
        if (in.discarded) throw new LinkException(where + "symbol '" + s.name() + "' of module "
                + d.module().name() + " is in section " + s.section() + ", which /DISCARD/ removed");
        return in.vma + s.value();
    }

    // ---- one pass ---------------------------------------------------------------------------------------

    private void pass() {
        prevPlaced = placed;
        prevScriptSymbols = scriptSymbols;
        placed = new LinkedHashMap<>();
        scriptSymbols = new LinkedHashMap<>();
        failures.clear();
        dot = 0;
        lmaOffset = 0;
        prevRegion = null;
        prevLmaRegion = null;
        regionState.clear();
        for (MemoryRegion r : regions.values()) {
            long origin = Evaluator.eval(r.origin(), this), length = Evaluator.eval(r.length(), this);
            regionState.put(r.name(), new long[] {origin, length, origin});
        }
        for (Statement c : commands) execute(c, null);
    }

    private List<Long> signature() {
        List<Long> sig = new ArrayList<>();
        for (Placed p : placed.values()) {
            sig.add(p.vma);
            sig.add(p.lma);
            sig.add(p.size);
            for (InputSection in : p.inputs) sig.add(in.vma);
        }
        for (ScriptSymbol s : scriptSymbols.values()) sig.add(s.value());
        return sig;
    }

    private void execute(Statement c, Placed current) {
        if (c instanceof Statement.Assignment a) assign(a, current);
        else if (c instanceof Statement.Assertion a) check(a);
        else if (c instanceof Statement.OutputSection s) place(s);
        else if (c instanceof Statement.InputSpec spec) placeInputs(gathered.getOrDefault(spec, List.of()), current);
    }

    private void assign(Statement.Assignment a, Placed current) {
        if (a.provide() != Statement.Provide.NONE && !activeProvides.contains(a.symbol())) return;
        long v = Evaluator.eval(a.value(), this);
        String op = a.op().equals("=") ? null : a.op().substring(0, a.op().length() - 1);
        if (a.isDot()) {
            if (op != null) v = Evaluator.apply(op, dot, v, a.at());
            if (current != null && Long.compareUnsigned(v, dot) < 0 && finalPass)
                throw LinkException.at(a.at(), String.format("cannot move the location counter backward (from 0x%x "
                        + "to 0x%x) inside output section %s", dot, v, current.name()));
            dot = v;
            return;
        }
        if (op != null) {
            if (!isDefined(a.symbol())) throw LinkException.at(a.at(), "symbol '" + a.symbol() + "' used in '"
                    + a.op() + "' is not defined");
            v = Evaluator.apply(op, symbol(a.symbol(), a.at()), v, a.at());
        }
        scriptSymbols.put(a.symbol(), new ScriptSymbol(a.symbol(), v, current == null ? null : current.name(),
                a.provide() == Statement.Provide.PROVIDE_HIDDEN, a.at()));
    }

    private void check(Statement.Assertion a) {
        if (!finalPass) return;
        if (Evaluator.eval(a.condition(), this) == 0) failures.add(a.at() + ": assertion failed: " + a.message());
    }

    private void place(Statement.OutputSection s) {
        if (s.isDiscard()) return;
        if (placed.containsKey(s.name()))
            throw LinkException.at(s.at(), "output section " + s.name() + " is described twice");
        List<InputSection> inputs = new ArrayList<>();
        for (Statement b : s.body())
            if (b instanceof Statement.InputSpec spec) inputs.addAll(gathered.getOrDefault(spec, List.of()));
        List<InputSection> extra = extraInputs.getOrDefault(s, List.of());
        inputs.addAll(extra);
        Placed p = new Placed(s, inputs, orphans.contains(s));
        long[] region = s.region() == null ? null : region(s.region(), s.at());
        long[] lmaRegion = s.lmaRegion() == null ? null : region(s.lmaRegion(), s.at());
        long start = s.address() != null ? Evaluator.eval(s.address(), this) : region != null ? region[2] : dot;
        long align = 1;
        for (InputSection in : inputs) align = Math.max(align, in.section.alignment());
        if (s.align() != null) {
            long a = Evaluator.eval(s.align(), this);
            Evaluator.alignUp(0, a, s.align().at(), this); // checks a power of two
            if (Long.bitCount(a) == 1) align = Math.max(align, a);
        }
        p.align = align;
        p.vma = Evaluator.alignUp(start, align, s.at());
        dot = p.vma;
        placed.put(s.name(), p);
        if (s.lma() != null) lmaOffset = Evaluator.eval(s.lma(), this) - p.vma;
        else if (lmaRegion != null) lmaOffset = Evaluator.alignUp(lmaRegion[2], align, s.at()) - p.vma;
        else if (!Objects.equals(prevRegion, s.region()) || prevLmaRegion != null) lmaOffset = 0;
        prevRegion = s.region();
        prevLmaRegion = s.lmaRegion();
        p.lma = p.vma + lmaOffset;
        for (Statement b : s.body()) execute(b, p);
        placeInputs(extra, p);
        p.size = dot - p.vma;
        p.done = true;
        boolean allNobits = !inputs.isEmpty();
        int flags = inputs.isEmpty() ? ModuleSection.ALLOC | ModuleSection.WRITE : ModuleSection.ALLOC;
        for (InputSection in : inputs) {
            allNobits &= in.section.nobits();
            flags |= in.section.flags();
        }
        p.nobits = s.noload() || allNobits;
        p.flags = flags;
        if (region != null) {
            region[2] = p.vma + p.size;
            checkRegion(s, s.region(), region, p.vma, p.size);
        }
        if (lmaRegion != null && lmaRegion != region) {
            lmaRegion[2] = p.lma + p.size;
            checkRegion(s, s.lmaRegion(), lmaRegion, p.lma, p.size);
        }
    }

    private long[] region(String name, SourceLocation at) {
        long[] r = regionState.get(name);
        if (r == null) throw LinkException.at(at, "no memory region named " + name);
        return r;
    }

    private void checkRegion(Statement.OutputSection s, String name, long[] r, long start, long size) {
        if (!finalPass) return;
        long end = r[0] + r[1];
        if (Long.compareUnsigned(start, r[0]) < 0 || Long.compareUnsigned(start + size, end) > 0)
            failures.add(String.format("%s: output section %s [0x%x, 0x%x) does not fit memory region %s "
                            + "[0x%x, 0x%x)%s", s.at(), s.name(), start, start + size, name, r[0], end,
                    Long.compareUnsigned(start + size, end) > 0
                            ? String.format(": overflows by %d bytes", start + size - end) : ""));
    }

    private void placeInputs(List<InputSection> inputs, Placed current) {
        for (InputSection in : inputs) {
            dot = Evaluator.alignUp(dot, Math.max(1, in.section.alignment()), current.statement.at());
            in.vma = dot;
            in.output = current.name();
            in.placedThisPass = true;
            dot += in.section.size();
        }
    }

    // ---- Environment ------------------------------------------------------------------------------------

    @Override
    public boolean isTentative() {
        return !finalPass;
    }

    @Override
    public long dot(SourceLocation at) {
        return dot;
    }

    @Override
    public long symbol(String name, SourceLocation at) {
        Long v = globalValue(name, at);
        if (v != null) return v;
        ScriptSymbol prev = prevScriptSymbols.get(name);
        if (prev != null) return prev.value();
        if (scriptAssigned.contains(name)) return 0; // assigned later in the script: known next pass
        throw LinkException.at(at, "undefined symbol '" + name + "' referenced in the link script");
    }

    @Override
    public boolean isDefined(String name) {
        return scriptSymbols.containsKey(name) || defsyms.containsKey(name) || symbols.global(name) != null;
    }

    @Override
    public long section(Expr.SectionFn function, String name, SourceLocation at) {
        Placed p = placed.get(name);
        Placed prev = prevPlaced.get(name);
        if (p == null && prev == null) {
            if (!outputNames.contains(name)) throw LinkException.at(at, "undefined output section '" + name + "' in "
                    + function + "(...)");
            return 0;
        }
        if (p == null) p = prev;
        return switch (function) {
            case ADDR -> p.vma;
            case LOADADDR -> p.lma;
            case SIZEOF -> p.done ? p.size : prev != null ? prev.size : 0;
            case ALIGNOF -> p.align;
        };
    }

    @Override
    public long region(boolean origin, String name, SourceLocation at) {
        MemoryRegion r = regions.get(name);
        if (r == null) throw LinkException.at(at, "no memory region named " + name);
        long[] st = regionState.get(name);
        if (st != null) return origin ? st[0] : st[1];
        return Evaluator.eval(origin ? r.origin() : r.length(), this);
    }
}
