package org.capazos.imagegen.link;

import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.Expr;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.Statement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Links {@link Module}s as a link script says: gathers input sections into output sections, places them (VMA
 * and LMA), resolves symbols across modules, applies every relocation and returns a {@link LinkedImage}.
 *
 * <pre>{@code
 * LinkedImage kernel = new Linker(Parser.parse(Path.of("linkscripts/kernel.ld")))
 *         .defsym("__boot_magic", 0x1234)
 *         .link("kernel", modules);
 * }</pre>
 *
 * <p>Rules: a GLOBAL symbol defined by two modules is an error naming both; WEAK definitions give way to a
 * GLOBAL one; an undefined WEAK reference is 0; common symbols are allocated as GNU ld does (see
 * {@link #COMMON}). A symbol assigned by the script (not in {@code PROVIDE}) or
 * given with {@link #defsym} may not also be defined by a module. {@code PROVIDE(sym = e)} defines {@code sym}
 * only if something refers to it and no module defines it. Input sections that no description matches are
 * orphans, placed or refused by the {@link OrphanPolicy} (default {@link OrphanPolicy#PLACE}). There is no
 * garbage collection, so {@code KEEP} only documents intent. A Linker may be used for several links.
 */
public final class Linker {
    /**
     * The pseudo-section of common symbols ({@code SHN_COMMON}) in a {@link Module}: the symbol's value is its
     * alignment and its size its size. The linker allocates them as GNU ld does (see {@code *(COMMON)}).
     */
    public static final String COMMON = "*COM*";

    private final LinkScript script;
    private final Map<String, Long> defsyms = new LinkedHashMap<>();
    private final Map<String, Long> segmentStarts = new LinkedHashMap<>();
    private OrphanPolicy orphanPolicy = OrphanPolicy.PLACE;

    /** A linker that follows {@code script}. */
    public Linker(LinkScript script) {
        this.script = script;
    }

    /** Defines an absolute symbol, like ld's {@code --defsym name=value}. */
    public Linker defsym(String name, long value) {
        defsyms.put(name, value);
        return this;
    }

    /** Defines several absolute symbols. */
    public Linker defsyms(Map<String, Long> symbols) {
        defsyms.putAll(symbols);
        return this;
    }

    /**
     * Gives the start of a segment for {@code SEGMENT_START("name", default)}, like ld's
     * {@code -Ttext-segment=} ({@code text-segment}), {@code -Trodata-segment=} and {@code -Tldata-segment=}.
     */
    public Linker segmentStart(String segment, long address) {
        segmentStarts.put(segment, address);
        return this;
    }

    /** Sets what happens to input sections that no output section description matches. */
    public Linker orphans(OrphanPolicy policy) {
        this.orphanPolicy = policy;
        return this;
    }

    /**
     * Links {@code modules} (in this order) into an image called {@code name}.
     *
     * @throws LinkException naming the place of the first kind of error found (all errors of that kind)
     */
    public LinkedImage link(String name, List<Module> linked) {
        List<Module> modules = CommonSymbols.allocate(inputOrder(linked));
        List<InputSection> inputs = new ArrayList<>();
        for (Module m : modules)
            for (ModuleSection s : m.sections())
                if (s.isAlloc()) inputs.add(new InputSection(m, s));
        SymbolTable symbols = new SymbolTable(modules, inputs);
        Gatherer g = new Gatherer(script, inputs, orphanPolicy);
        Set<String> outputNames = new HashSet<>();
        for (Statement c : g.commands) if (c instanceof Statement.OutputSection o) outputNames.add(o.name());
        checkConflicts(symbols);
        Set<String> provides = activeProvides(modules, symbols);
        Set<String> assigned = new HashSet<>(provides);
        collectAssigned(script.commands(), assigned);
        Layout layout = new Layout(script, g.commands, g.gathered, g.extraInputs, g.orphans, symbols,
                Map.copyOf(defsyms), provides, assigned, outputNames, Map.copyOf(segmentStarts));
        layout.run();
        List<Layout.Placed> placed = layout.sections();
        Relocator relocator = new Relocator(symbols, layout);
        relocator.checkDefined(placed);
        return new ImageAssembler(name, script, modules, symbols, layout, relocator, defsyms).assemble(placed);
    }

    /**
     * The modules in GNU ld's input order: a module that an input section description names literally (no
     * wildcard) is loaded when the script is read, so it comes first, in the order the script names them
     * (as with {@code ld -T script objects...}); the others follow in the order given. A literal name that no
     * module has is an error, as GNU ld cannot find the file.
     */
    private List<Module> inputOrder(List<Module> modules) {
        List<Statement.InputSpec> literal = new ArrayList<>();
        for (Statement.OutputSection o : script.outputSections())
            for (Statement b : o.body())
                if (b instanceof Statement.InputSpec spec && spec.file().isLiteral()) literal.add(spec);
        if (literal.isEmpty()) return modules;
        List<Module> first = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Statement.InputSpec spec : literal) {
            Module m = modules.stream().filter(x -> x.name().equals(spec.file().toString())).findFirst().orElse(null);
            if (m == null) missing.add(spec.at() + ": input file " + spec.file() + " is named by the script but is not "
                    + "among the modules linked (GNU ld: cannot find " + spec.file() + ")");
            else if (!first.contains(m)) first.add(m);
        }
        if (!missing.isEmpty()) throw new LinkException(String.join("\n", missing));
        List<Module> out = new ArrayList<>(first);
        for (Module m : modules) if (!first.contains(m)) out.add(m);
        return out;
    }

    private void checkConflicts(SymbolTable symbols) {
        List<String> errors = new ArrayList<>();
        for (String d : defsyms.keySet()) {
            SymbolTable.Definition def = symbols.global(d);
            if (def != null) errors.add("symbol '" + d + "' is given as a defsym and also defined by module "
                    + def.module().name());
        }
        checkAssignments(script.commands(), symbols, errors);
        if (!errors.isEmpty()) throw new LinkException(String.join("\n", errors));
    }

    private void checkAssignments(List<Statement> commands, SymbolTable symbols, List<String> errors) {
        for (Statement c : commands) {
            if (c instanceof Statement.OutputSection o) checkAssignments(o.body(), symbols, errors);
            if (!(c instanceof Statement.Assignment a) || a.isDot() || a.isProvide()) continue;
            SymbolTable.Definition def = symbols.global(a.symbol());
            if (def != null) errors.add(a.at() + ": symbol '" + a.symbol() + "' is assigned by the script and also "
                    + "defined by module " + def.module().name() + " (use PROVIDE to give a default)");
            else if (defsyms.containsKey(a.symbol())) errors.add(a.at() + ": symbol '" + a.symbol()
                    + "' is assigned by the script and also given as a defsym (use PROVIDE to give a default)");
        }
    }

    private static void collectAssigned(List<Statement> commands, Set<String> out) {
        for (Statement c : commands) {
            if (c instanceof Statement.OutputSection o) collectAssigned(o.body(), out);
            if (c instanceof Statement.Assignment a && !a.isDot() && !a.isProvide())
                out.add(a.symbol());
        }
    }

    /** The PROVIDE'd names that something refers to and no module or defsym defines. */
    private Set<String> activeProvides(List<Module> modules, SymbolTable symbols) {
        Set<String> referenced = new HashSet<>();
        for (Module m : modules)
            for (ModuleSymbol s : m.symbols()) if (!s.isDefined()) referenced.add(s.name());
        for (Module m : modules)
            for (ModuleSection sec : m.sections())
                sec.relocations().forEach(r -> {
                    if (symbols.resolve(m, r.symbol()).definition() == null) referenced.add(r.symbol());
                });
        if (script.entry() != null) referenced.add(script.entry());
        Map<String, List<Statement.Assignment>> provides = new TreeMap<>();
        collectRefs(script.commands(), referenced, provides);
        for (org.capazos.imagegen.script.PhdrSpec p : script.phdrs()) if (p.flags() != null) refs(p.flags(), referenced);
        for (org.capazos.imagegen.script.MemoryRegion r : script.memory()) {
            refs(r.origin(), referenced);
            refs(r.length(), referenced);
        }
        Set<String> active = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, List<Statement.Assignment>> e : provides.entrySet()) {
                String n = e.getKey();
                if (active.contains(n) || !referenced.contains(n) || symbols.global(n) != null
                        || defsyms.containsKey(n)) continue;
                active.add(n);
                for (Statement.Assignment a : e.getValue()) refs(a.value(), referenced);
                changed = true;
            }
        }
        return active;
    }

    private static void collectRefs(List<Statement> commands, Set<String> referenced,
                                     Map<String, List<Statement.Assignment>> provides) {
        for (Statement c : commands) {
            if (c instanceof Statement.Assignment a) {
                if (a.isProvide()) {
                    provides.computeIfAbsent(a.symbol(), k -> new ArrayList<>()).add(a);
                } else {
                    refs(a.value(), referenced);
                    if (!a.op().equals("=") && !a.isDot()) referenced.add(a.symbol());
                }
            } else if (c instanceof Statement.Assertion a) {
                refs(a.condition(), referenced);
            } else if (c instanceof Statement.Data d) {
                refs(d.value(), referenced);
            } else if (c instanceof Statement.Fill f) {
                refs(f.pattern(), referenced);
            } else if (c instanceof Statement.OutputSection o) {
                for (Expr e : new Expr[] {o.address(), o.lma(), o.align(), o.fill()}) if (e != null) refs(e, referenced);
                collectRefs(o.body(), referenced, provides);
            }
        }
    }

    private static void refs(Expr e, Set<String> out) {
        if (e instanceof Expr.Sym s) out.add(s.name());
        else if (e instanceof Expr.Defined d) out.add(d.symbol());
        else if (e instanceof Expr.Unary u) refs(u.operand(), out);
        else if (e instanceof Expr.Binary b) {
            refs(b.left(), out);
            refs(b.right(), out);
        } else if (e instanceof Expr.Conditional c) {
            refs(c.condition(), out);
            refs(c.ifTrue(), out);
            refs(c.ifFalse(), out);
        } else if (e instanceof Expr.Call c) {
            for (Expr a : c.args()) refs(a, out);
        } else if (e instanceof Expr.SegmentStart s) {
            refs(s.fallback(), out);
        }
    }
}
