package org.capazos.imagegen.link;

import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.script.LinkScript;
import org.capazos.imagegen.script.SourceLocation;
import org.capazos.imagegen.script.Statement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assigns input sections to output section descriptions as GNU ld does (ld/ldlang.c, walk_wild and
 * wild_sort): descriptions in script order, input section descriptions in order within each, and for each of
 * those the modules in the order given and their sections in order; the first description that matches a
 * section takes it. {@code SORT...} orders what one description matched with GNU ld's binary tree, so that
 * ties and unsorted patterns in a sorted description land where GNU ld puts them. Sections gathered by
 * {@code /DISCARD/} are discarded; the rest are orphans, handled by the {@link OrphanPolicy} (common symbols
 * that no description takes join the output section {@code .bss}, as in GNU ld).
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
                List<Match> matches = new ArrayList<>();
                for (InputSection in : inputs) {
                    if (in.assigned) continue;
                    Statement.SectionPattern p = spec.match(in.module.name(), in.name());
                    if (p != null) matches.add(new Match(in, p));
                }
                List<InputSection> list = spec.isSorted() ? sorted(spec, matches) : matches.stream().map(Match::in).toList();
                List<InputSection> kept = new ArrayList<>();
                for (InputSection in : list) {
                    in.assigned = true;
                    if (out.isDiscard()) in.discarded = true;
                    else kept.add(in);
                }
                gathered.put(spec, kept);
            }
        }
        Map<String, List<InputSection>> orphanGroups = new LinkedHashMap<>();
        for (InputSection in : inputs) {
            if (in.assigned) continue;
            String target = in.name().equals(CommonSymbols.SECTION) ? ".bss" : in.name();
            orphanGroups.computeIfAbsent(target, k -> new ArrayList<>()).add(in);
        }
        boolean hasBss = script.outputSections().stream().anyMatch(o -> o.name().equals(".bss") && !o.isDiscard());
        List<String> refused = new ArrayList<>();
        for (List<InputSection> g : orphanGroups.values())
            for (InputSection in : g)
                if (!in.name().equals(CommonSymbols.SECTION) || !hasBss) refused.add(in.describe());
        if (!refused.isEmpty() && policy == OrphanPolicy.ERROR)
            throw new LinkException(script.file() + ": no output section description matches input section"
                    + (refused.size() > 1 ? "s " : " ") + String.join(", ", refused));
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

    /** A section matched by one pattern of a description. */
    private record Match(InputSection in, Statement.SectionPattern pattern) { }

    /** A node of GNU ld's sort tree (lang_section_bst_type). */
    private static final class Node {
        final Match match;
        Node left, right;

        Node(Match match) {
            this.match = match;
        }
    }

    /**
     * GNU ld's wild_sort: each match, in walk order, is inserted into a binary tree. A match whose pattern does
     * not sort (and whose description does not sort files) is appended after the rightmost node; a sorted one
     * descends from the root, going left when it compares lower (by file name first if files are sorted, then
     * by its pattern's order) and right otherwise. The result is the tree in order.
     */
    private static List<InputSection> sorted(Statement.InputSpec spec, List<Match> matches) {
        Node root = null;
        Node rightmostOwner = null; // the rightmost slot is root (when null) or this node's right
        for (Match m : matches) {
            Node node = new Node(m);
            Node parent = null;
            boolean left = false;
            boolean unsorted = !spec.sortFiles() && m.pattern().sort() == Statement.Sort.NONE;
            if (unsorted) {
                parent = rightmostOwner;
            } else {
                Node cur = root;
                while (cur != null) {
                    parent = cur;
                    if (spec.sortFiles()) {
                        int i = compareBytes(m.in().module.name(), cur.match.in().module.name());
                        if (i != 0) {
                            left = i < 0;
                            cur = left ? cur.left : cur.right;
                            continue;
                        }
                    }
                    Statement.Sort sort = m.pattern().sort();
                    left = sort != Statement.Sort.NONE && compare(sort, m.in(), cur.match.in()) < 0;
                    cur = left ? cur.left : cur.right;
                }
            }
            boolean atRightmost = parent == rightmostOwner && !left;
            if (parent == null) root = node;
            else if (left) parent.left = node;
            else parent.right = node;
            if (atRightmost) rightmostOwner = node;
        }
        List<InputSection> out = new ArrayList<>();
        inOrder(root, out);
        return out;
    }

    private static void inOrder(Node n, List<InputSection> out) {
        // iterative, since a tree of unsorted appends is a list
        List<Node> stack = new ArrayList<>();
        Node cur = n;
        while (cur != null || !stack.isEmpty()) {
            while (cur != null) {
                stack.add(cur);
                cur = cur.left;
            }
            cur = stack.remove(stack.size() - 1);
            out.add(cur.match.in());
            cur = cur.right;
        }
    }

    /** GNU ld's compare_section. */
    static int compare(Statement.Sort sort, InputSection a, InputSection b) {
        switch (sort) {
            case BY_INIT_PRIORITY -> {
                long pa = initPriority(a.name()), pb = initPriority(b.name());
                if (pa >= 0 && pb >= 0 && pa != pb) return Long.compare(pa, pb);
                return compareBytes(a.name(), b.name());
            }
            case BY_ALIGNMENT_NAME -> {
                int r = Integer.compare(log2(b.section.alignment()), log2(a.section.alignment()));
                return r != 0 ? r : compareBytes(a.name(), b.name());
            }
            case BY_NAME -> {
                return compareBytes(a.name(), b.name());
            }
            case BY_NAME_ALIGNMENT -> {
                int r = compareBytes(a.name(), b.name());
                return r != 0 ? r : Integer.compare(log2(b.section.alignment()), log2(a.section.alignment()));
            }
            case BY_ALIGNMENT -> {
                return Integer.compare(log2(b.section.alignment()), log2(a.section.alignment()));
            }
            default -> {
                return 0;
            }
        }
    }

    /**
     * GNU ld's get_init_priority: the number after the last dot of the name (for {@code .ctors.N} and
     * {@code .dtors.N}, 65535 - N), or -1 if there is none.
     */
    static long initPriority(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) return -1;
        String digits = name.substring(dot + 1);
        long p = 0;
        for (char c : digits.toCharArray()) {
            if (c < '0' || c > '9') return -1;
            p = p * 10 + (c - '0');
            if (p > Integer.MAX_VALUE) return -1;
        }
        if (dot == 6 && (name.startsWith(".ctors") || name.startsWith(".dtors"))) return p <= 65535 ? 65535 - p : -1;
        return p;
    }

    private static int log2(long alignment) {
        return 63 - Long.numberOfLeadingZeros(Math.max(1, alignment));
    }

    /** strcmp on the UTF-8 bytes. */
    static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8), y = b.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
