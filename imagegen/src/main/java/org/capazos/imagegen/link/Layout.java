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
import org.capazos.imagegen.script.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the commands of a link script over the gathered input sections as GNU ld sizes them
 * (ld/ldlang.c lang_size_sections_1): places output sections (VMA and LMA), input sections, data and fill,
 * defines script symbols and checks assertions. Forward references (a symbol or {@code SIZEOF} used before
 * the command that defines it) take the previous pass's value, so the layout is repeated until nothing moves;
 * assertions and region overflows are checked in the final pass.
 *
 * <p>GNU ld's rules kept here: a section without an address starts at its memory region's cursor (the
 * default region follows the location counter); without {@code >region} a region is chosen by the
 * {@code MEMORY} attributes, and a loadable section that matches none is an error when regions exist. The
 * LMA is {@code AT(e)}; or the {@code AT>} region's cursor (aligned only by the section's {@code ALIGN} when
 * that region is not the VMA region); or, when an earlier section of the same region has been placed, the VMA
 * plus that section's LMA-VMA offset; or the VMA. In a section, a number assigned to {@code .} or to a symbol
 * is an offset from the section's start. Output sections that have no input bytes, data, symbol assignments
 * or assignments to {@code .} are removed and do not move the location counter.
 */
final class Layout implements Environment {
    private static final int MAX_PASSES = 10;
    static final String DEFAULT_REGION = "*default*";

    /** A gap inside an output section, filled with a pattern (or zeros). */
    record Gap(long offset, long size, byte[] fill) { }

    /** A data command's bytes. */
    record DataItem(long offset, int size, long value) { }

    /** What does not change between passes: the output section's inputs, flags and whether it is removed. */
    static final class Plan {
        final List<InputSection> inputs = new ArrayList<>();
        boolean hasData, symbolAssignments, keepDot, nonEmptyInputs, readonly, code, contents, note, noload;
        long inputAlign = 1;

        /** Removed from the output (GNU ld: excluded and ignored): nothing in it and nothing assigned in it. */
        boolean ignored() {
            return !nonEmptyInputs && !hasData && !symbolAssignments && !keepDot;
        }

        /** GNU ld's SEC_ALLOC as known before sizing. */
        boolean alloc() {
            return !inputs.isEmpty() || hasData || keepDot;
        }

        /** GNU ld's SEC_LOAD: has file contents. */
        boolean load() {
            return contents && !noload;
        }

        /** GNU ld's section flags, as MEMORY attributes see them (lang_memory_default). */
        int regionFlags() {
            int f = alloc() ? MemoryRegion.ALLOC : 0;
            if (readonly) f |= MemoryRegion.READONLY;
            if (code) f |= MemoryRegion.CODE;
            if (load()) f |= MemoryRegion.LOAD;
            if (load() && !code) f |= MemoryRegion.DATA;
            if ((f & (MemoryRegion.ALLOC | MemoryRegion.READONLY | MemoryRegion.CODE)) == MemoryRegion.ALLOC)
                f |= MemoryRegion.DATA;
            return f;
        }
    }

    /** An output section as placed in one pass. */
    static final class Placed {
        final Statement.OutputSection statement;
        final Plan plan;
        final List<InputSection> inputs = new ArrayList<>();
        final boolean orphan;
        final List<Gap> gaps = new ArrayList<>();
        final List<DataItem> data = new ArrayList<>();
        long vma, lma, size, align = 1;
        boolean done, ignored, dotAdvanced;
        String region;
        byte[] fill;

        Placed(Statement.OutputSection statement, Plan plan, boolean orphan) {
            this.statement = statement;
            this.plan = plan;
            this.orphan = orphan;
        }

        String name() {
            return statement.name();
        }

        /** GNU ld's SEC_ALLOC after sizing. */
        boolean alloc() {
            return plan.alloc() || dotAdvanced;
        }

        /** True if the section has no bytes in the file. */
        boolean nobits() {
            return !plan.load();
        }

        /** {@link ModuleSection#ALLOC} / WRITE / EXEC. */
        int flags() {
            return ModuleSection.ALLOC | (plan.readonly ? 0 : ModuleSection.WRITE) | (plan.code ? ModuleSection.EXEC : 0);
        }
    }

    /** A memory region's state in one pass. */
    static final class Region {
        final String name;
        final long origin, length;
        final MemoryRegion declared;
        long current;
        Placed lastOs;

        Region(String name, long origin, long length, MemoryRegion declared) {
            this.name = name;
            this.origin = origin;
            this.length = length;
            this.declared = declared;
            this.current = origin;
        }
    }

    /** A symbol assigned by the script; {@code section} is null for an absolute symbol. */
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
    private final Map<String, Long> segmentStarts;
    private final Map<Statement.OutputSection, Plan> plans = new IdentityHashMap<>();
    private final Map<Statement.OutputSection, String> lmaRegions = new IdentityHashMap<>();

    private long dot;
    private Placed current;
    private boolean finalPass;
    private boolean sizeofHeadersUsed;
    private Map<String, Placed> placed = new LinkedHashMap<>();
    private Map<String, Placed> prevPlaced = new LinkedHashMap<>();
    private Map<String, ScriptSymbol> scriptSymbols = new LinkedHashMap<>();
    private Map<String, ScriptSymbol> prevScriptSymbols = new LinkedHashMap<>();
    private final Map<String, Region> regions = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    Layout(LinkScript script, List<Statement> commands, Map<Statement.InputSpec, List<InputSection>> gathered,
           Map<Statement.OutputSection, List<InputSection>> extraInputs, Set<Statement.OutputSection> orphans,
           SymbolTable symbols, Map<String, Long> defsyms, Set<String> activeProvides, Set<String> scriptAssigned,
           Set<String> outputNames, Map<String, Long> segmentStarts) {
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
        this.segmentStarts = segmentStarts;
        Map<String, MemoryRegion> seen = new HashMap<>();
        for (MemoryRegion r : script.memory()) {
            if (seen.putIfAbsent(r.name(), r) != null)
                throw LinkException.at(r.at(), "memory region " + r.name() + " is defined twice");
        }
        for (Statement c : commands) if (c instanceof Statement.OutputSection o && !o.isDiscard()) plans.put(o, plan(o));
        propagateLmaRegions();
    }

    /**
     * GNU ld's lang_propagate_lma_regions: a section with neither address, AT(...) nor AT>region, in the same
     * region as the output section before it, takes that section's AT>region.
     */
    private void propagateLmaRegions() {
        Statement.OutputSection prev = null;
        for (Statement c : commands) {
            if (!(c instanceof Statement.OutputSection o)) continue;
            String lma = o.lmaRegion();
            if (prev != null && lma == null && o.lma() == null && o.address() == null
                    && parsedRegion(o).equals(parsedRegion(prev)))
                lma = lmaRegions.get(prev);
            lmaRegions.put(o, lma);
            prev = o;
        }
    }

    /** The region GNU ld's parser gives a section (lang_get_regions): {@code >region}, else an AT>-only region. */
    private String parsedRegion(Statement.OutputSection o) {
        String r = o.region() != null ? o.region()
                : o.lmaRegion() != null && o.address() == null ? o.lmaRegion() : DEFAULT_REGION;
        return script.regionAliases().getOrDefault(r, r);
    }

    private Plan plan(Statement.OutputSection o) {
        Plan p = new Plan();
        for (Statement b : o.body()) {
            if (b instanceof Statement.InputSpec spec) p.inputs.addAll(gathered.getOrDefault(spec, List.of()));
            else if (b instanceof Statement.Data) p.hasData = true;
            else if (b instanceof Statement.Assignment a) {
                if (a.isDot()) p.keepDot |= keepsSection(a);
                else if (!a.isProvide() || activeProvides.contains(a.symbol())) p.symbolAssignments = true;
            }
        }
        p.inputs.addAll(extraInputs.getOrDefault(o, List.of()));
        boolean allReadonly = true, allNotes = !p.inputs.isEmpty();
        for (InputSection in : p.inputs) {
            ModuleSection s = in.section;
            if (s.size() > 0) p.nonEmptyInputs = true;
            if (s.isWrite()) allReadonly = false;
            if (s.isExec()) p.code = true;
            if (!s.nobits()) p.contents = true;
            if (!isNote(in.name())) allNotes = false;
            p.inputAlign = Math.max(p.inputAlign, Math.max(1, s.alignment()));
        }
        if (p.hasData) p.contents = true;
        p.readonly = p.inputs.isEmpty() ? p.hasData : allReadonly;
        p.noload = o.noload();
        p.note = allNotes;
        return p;
    }

    /** Input sections named {@code .note} or {@code .note.*} are SHT_NOTE (as assemblers make them). */
    static boolean isNote(String name) {
        return name.equals(".note") || name.startsWith(".note.");
    }

    /**
     * GNU ld keeps a section for an assignment to {@code .} unless it is {@code . = 0}, {@code . = . + 0} or
     * {@code . = ALIGN(. != 0 ? e : 1)}.
     */
    private static boolean keepsSection(Statement.Assignment a) {
        Expr v = a.effectiveValue();
        if (v instanceof Expr.Num n && n.value() == 0) return false;
        if (v instanceof Expr.Binary b && b.op().equals("+") && b.left() instanceof Expr.Dot
                && b.right() instanceof Expr.Num n && n.value() == 0) return false;
        if (v instanceof Expr.Call c && c.function().equals("ALIGN") && c.args().size() == 1
                && c.args().get(0) instanceof Expr.Conditional k && k.condition() instanceof Expr.Binary ne
                && ne.op().equals("!=") && ne.left() instanceof Expr.Dot && ne.right() instanceof Expr.Num z
                && z.value() == 0 && k.ifFalse() instanceof Expr.Num one && one.value() == 1) return false;
        return true;
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

    /** The placed output sections, in script order (orphans after the last description), removed ones included. */
    List<Placed> sections() {
        return List.copyOf(placed.values());
    }

    /** The symbols the script assigned, in the order first assigned. */
    List<ScriptSymbol> scriptSymbols() {
        return List.copyOf(scriptSymbols.values());
    }

    /** True if the script used {@code SIZEOF_HEADERS} (GNU ld then puts the headers in the first segment). */
    boolean sizeofHeadersUsed() {
        return sizeofHeadersUsed;
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
        current = null;
        regions.clear();
        regions.put(DEFAULT_REGION, new Region(DEFAULT_REGION, 0, -1, null));
        for (MemoryRegion r : script.memory()) {
            long origin = Evaluator.eval(r.origin(), this), length = Evaluator.eval(r.length(), this);
            regions.put(r.name(), new Region(r.name(), origin, length, r));
        }
        for (Statement c : commands) {
            if (c instanceof Statement.Assignment a) {
                assign(a);
                regions.get(DEFAULT_REGION).current = dot; // GNU ld: a top-level assignment moves the default region
            } else if (c instanceof Statement.Assertion a) {
                check(a);
            } else if (c instanceof Statement.OutputSection s) {
                place(s);
            }
        }
    }

    private List<Long> signature() {
        List<Long> sig = new ArrayList<>();
        for (Placed p : placed.values()) {
            sig.add(p.vma);
            sig.add(p.lma);
            sig.add(p.size);
            for (InputSection in : p.inputs) sig.add(in.vma);
            for (DataItem d : p.data) sig.add(d.value());
        }
        for (ScriptSymbol s : scriptSymbols.values()) sig.add(s.value());
        return sig;
    }

    private void assign(Statement.Assignment a) {
        if (a.isProvide() && !activeProvides.contains(a.symbol())) return;
        if (!a.isDot() && !a.op().equals("=") && !isDefined(a.symbol()))
            throw LinkException.at(a.at(), "symbol '" + a.symbol() + "' used in '" + a.op() + "' is not defined");
        Value v = Evaluator.evaluate(a.effectiveValue(), this);
        if (a.isDot()) {
            long base = v.isRelative() ? vmaOf(v.section(), a.at())
                    : v.isNumber() && current != null ? current.vma : 0;
            long next = v.value() + base;
            if (current != null) {
                if (Long.compareUnsigned(next, dot) < 0) {
                    if (finalPass) throw LinkException.at(a.at(), String.format("cannot move the location counter "
                            + "backward (from 0x%x to 0x%x) inside output section %s", dot, next, current.name()));
                    return;
                }
                if (next != dot) {
                    current.gaps.add(new Gap(dot - current.vma, next - dot, current.fill));
                    current.dotAdvanced = true;
                }
            }
            dot = next;
            return;
        }
        String section = v.isNumber() ? (current == null ? Value.ABS : current.name()) : v.section();
        long value = v.value() + (Value.ABS.equals(section) ? 0 : vmaOf(section, a.at()));
        scriptSymbols.put(a.symbol(), new ScriptSymbol(a.symbol(), value, Value.ABS.equals(section) ? null : section,
                a.isHidden(), a.at()));
    }

    private void check(Statement.Assertion a) {
        if (!finalPass) return;
        if (Evaluator.evaluate(a.condition(), this).value() == 0)
            failures.add(a.at() + ": assertion failed: " + a.message());
    }

    private void place(Statement.OutputSection s) {
        if (s.isDiscard()) return;
        if (placed.containsKey(s.name()))
            throw LinkException.at(s.at(), "output section " + s.name() + " is described twice");
        Plan plan = plans.get(s);
        Placed p = new Placed(s, plan, orphans.contains(s));
        placed.put(s.name(), p);
        long explicitAlign = s.align() == null ? 1 : Evaluator.powerOfTwoAtLeast(topLevel(() -> Evaluator.eval(s.align(), this)));
        p.align = Math.max(plan.inputAlign, explicitAlign);

        Region region = region(s.region() != null ? s.region()
                : s.lmaRegion() != null && s.address() == null ? s.lmaRegion() : DEFAULT_REGION, s.at());
        long start, sectionAlign;
        if (s.address() == null) {
            if (region.declared == null && (plan.alloc() || plan.load())) region = defaultRegionFor(plan);
            if (region.declared == null && !script.memory().isEmpty() && plan.alloc() && !plan.ignored())
                throw LinkException.at(s.at(), "no memory region specified for loadable section " + s.name()
                        + " (no >region, and no MEMORY region's attributes match it)");
            start = region.current;
            sectionAlign = p.align;
        } else {
            start = topLevel(() -> Evaluator.eval(s.address(), this));
            sectionAlign = explicitAlign;
        }
        p.vma = Evaluator.alignUp(start, sectionAlign, s.at());
        p.region = region.name;
        if (plan.ignored()) { // removed: it does not move the location counter (GNU ld's lang_do_assignments)
            p.ignored = true;
            for (InputSection in : plan.inputs) { // empty inputs: their labels sit where the section would be
                in.vma = p.vma;
                in.output = p.name();
            }
            p.lma = p.vma;
            p.done = true;
            Placed saved = current;
            long savedDot = dot;
            current = p;
            dot = p.vma;
            for (Statement b : s.body()) if (b instanceof Statement.Assertion a) check(a);
            current = saved;
            dot = savedDot;
            return;
        }
        dot = p.vma;
        p.fill = s.fill() == null ? null : fillPattern(s.fill());
        current = p;
        try {
            for (Statement b : s.body()) {
                if (b instanceof Statement.InputSpec spec) placeInputs(gathered.getOrDefault(spec, List.of()), p);
                else if (b instanceof Statement.Assignment a) assign(a);
                else if (b instanceof Statement.Assertion a) check(a);
                else if (b instanceof Statement.Fill f) p.fill = fillPattern(f.pattern());
                else if (b instanceof Statement.Data d) {
                    long value = topLevel(() -> Evaluator.eval(d.value(), this)); // GNU ld: an absolute context
                    p.data.add(new DataItem(dot - p.vma, d.size(), value));
                    dot += d.size();
                }
            }
            placeInputs(extraInputs.getOrDefault(s, List.of()), p);
        } finally {
            current = null;
        }
        p.size = dot - p.vma;
        p.done = true;

        String lmaRegionName = lmaRegions.get(s);
        Region lmaRegion = lmaRegionName == null ? null : region(lmaRegionName, s.at());
        if (s.lma() != null) {
            long saved = dot;
            dot = 0; // GNU ld evaluates AT() without a location counter
            p.lma = topLevel(() -> Evaluator.eval(s.lma(), this));
            dot = saved;
        } else if (lmaRegion != null) {
            long a = lmaRegion == region ? sectionAlign : explicitAlign;
            p.lma = Evaluator.alignUp(lmaRegion.current, a, s.at());
        } else if (region.lastOs != null && p.alloc()) {
            Placed last = region.lastOs;
            if (Long.compareUnsigned(p.vma, last.vma) < 0 && p.size != 0
                    && Long.compareUnsigned(p.vma + p.size, last.vma) <= 0) p.lma = p.vma; // dot moved backward
            else p.lma = Evaluator.alignUp(p.vma + last.lma - last.vma, sectionAlign, s.at());
        } else {
            p.lma = p.vma;
        }
        if (p.alloc() && (p.size != 0 || (region.lastOs == null && p.vma != p.lma)
                || (region.lastOs != null && Long.compareUnsigned(p.vma, region.lastOs.vma) >= 0))
                && lmaRegion == null)
            region.lastOs = p;
        dot = p.vma + p.size;
        if (p.alloc()) {
            region.current = dot;
            checkRegion(s, region, p.vma, p.size);
            if (lmaRegion != null && lmaRegion != region && plan.load()) {
                lmaRegion.current = p.lma + p.size;
                checkRegion(s, lmaRegion, p.lma, p.size);
            }
        }
    }

    /** Evaluates {@code f} outside any output section (GNU ld's absolute context). */
    private long topLevel(java.util.function.LongSupplier f) {
        Placed saved = current;
        current = null;
        try {
            return f.getAsLong();
        } finally {
            current = saved;
        }
    }

    /** GNU ld's exp_get_fill: a {@code 0x} literal's digits as bytes, else the 4 low bytes big-endian. */
    private byte[] fillPattern(Expr e) {
        Expr inner = e;
        if (inner instanceof Expr.Num n && n.hex() != null) {
            String hex = n.hex();
            byte[] out = new byte[(hex.length() + 1) / 2];
            int len = hex.length(), k = 0, val = 0;
            for (int i = 0; i < hex.length(); i++) {
                val = (val << 4) + Character.digit(hex.charAt(i), 16);
                len--;
                if ((len & 1) == 0) {
                    out[k++] = (byte) val;
                    val = 0;
                }
            }
            return out;
        }
        long saved = dot;
        dot = 0;
        long v = topLevel(() -> Evaluator.evaluate(e, this).value());
        dot = saved;
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private Region region(String name, SourceLocation at) {
        if (name.equals(DEFAULT_REGION)) return regions.get(DEFAULT_REGION);
        String real = script.regionAliases().getOrDefault(name, name);
        Region r = regions.get(real);
        if (r == null) throw LinkException.at(at, "no memory region named " + name);
        return r;
    }

    /** GNU ld's lang_memory_default: the first region whose attributes accept the section, else the default. */
    private Region defaultRegionFor(Plan plan) {
        int flags = plan.regionFlags();
        for (Region r : regions.values())
            if (r.declared != null && r.declared.accepts(flags)) return r;
        return regions.get(DEFAULT_REGION);
    }

    private void checkRegion(Statement.OutputSection s, Region r, long start, long size) {
        if (!finalPass || r.declared == null) return;
        long end = r.origin + r.length;
        if (Long.compareUnsigned(start, r.origin) < 0 || Long.compareUnsigned(start + size, end) > 0)
            failures.add(String.format("%s: output section %s [0x%x, 0x%x) does not fit memory region %s "
                            + "[0x%x, 0x%x)%s", s.at(), s.name(), start, start + size, r.name, r.origin, end,
                    Long.compareUnsigned(start + size, end) > 0
                            ? String.format(": overflows by %d bytes", start + size - end) : ""));
    }

    private void placeInputs(List<InputSection> inputs, Placed p) {
        for (InputSection in : inputs) {
            long aligned = Evaluator.alignUp(dot, Math.max(1, in.section.alignment()), p.statement.at());
            if (aligned != dot) p.gaps.add(new Gap(dot - p.vma, aligned - dot, p.fill));
            in.vma = aligned;
            in.output = p.name();
            in.placedThisPass = true;
            p.inputs.add(in);
            dot = aligned + in.section.size();
        }
    }

    private long vmaOf(String section, SourceLocation at) {
        return section(Expr.SectionFn.ADDR, section, at);
    }

    // ---- Environment ------------------------------------------------------------------------------------

    @Override
    public boolean isTentative() {
        return !finalPass;
    }

    @Override
    public String currentSection() {
        return current == null ? null : current.name();
    }

    @Override
    public long dot(SourceLocation at) {
        return dot;
    }

    @Override
    public long symbol(String name, SourceLocation at) {
        return Evaluator.address(symbolValue(name, at), this, at);
    }

    @Override
    public Value symbolValue(String name, SourceLocation at) {
        ScriptSymbol s = scriptSymbols.get(name);
        if (s == null && !defsyms.containsKey(name) && symbols.global(name) == null) s = prevScriptSymbols.get(name);
        if (s != null) return s.section() == null ? Value.absolute(s.value())
                : new Value(s.value() - vmaOf(s.section(), at), s.section());
        Long d = defsyms.get(name);
        if (d != null) return Value.absolute(d);
        SymbolTable.Definition g = symbols.global(name);
        if (g != null) {
            long addr = address(g, at);
            if (ModuleSymbol.ABSOLUTE.equals(g.symbol().section()) || g.section() == null || g.section().output == null)
                return Value.absolute(addr);
            return new Value(addr - vmaOf(g.section().output, at), g.section().output);
        }
        if (scriptAssigned.contains(name)) return Value.absolute(0); // assigned later in the script: known next pass
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
            return function == Expr.SectionFn.ALIGNOF ? 1 : 0;
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
        String real = script.regionAliases().getOrDefault(name, name);
        Region st = regions.get(real);
        if (st != null && st.declared != null) return origin ? st.origin : st.length;
        MemoryRegion r = script.region(name);
        if (r == null) throw LinkException.at(at, "no memory region named " + name);
        return topLevel(() -> Evaluator.eval(origin ? r.origin() : r.length(), this));
    }

    @Override
    public long sizeofHeaders(SourceLocation at) {
        sizeofHeadersUsed = true;
        return Segments.ELF_HEADER + (long) Segments.PHDR_SIZE * (script.hasPhdrs() ? script.phdrs().size()
                : Segments.estimatedHeaders(this));
    }

    @Override
    public long segmentStart(String segment, long fallback) {
        return segmentStarts.getOrDefault(segment, fallback);
    }

    /** The output section descriptions in order, with their plans (for estimates that need no layout). */
    List<Map.Entry<Statement.OutputSection, Plan>> plans() {
        List<Map.Entry<Statement.OutputSection, Plan>> out = new ArrayList<>();
        for (Statement c : commands)
            if (c instanceof Statement.OutputSection o && plans.containsKey(o)) out.add(Map.entry(o, plans.get(o)));
        return out;
    }
}
