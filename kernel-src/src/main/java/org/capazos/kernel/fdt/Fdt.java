package org.capazos.kernel.fdt;

import org.capazos.dsl.Label;
import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.Shift;
import org.capazos.dsl.Struct;
import org.capazos.dsl.XReg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static org.capazos.dsl.Condition.*;
import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Registers.*;

/**
 * The flattened device tree parser (Devicetree Specification v0.4, chapter 5): validates a DTB before it
 * trusts any of it and fills a {@link PlatformInfo} with the memory banks, the reserved ranges and the console
 * UART.
 *
 * <h2>ABI</h2>
 * {@code fdt_parse(x0 = DTB address, x1 = platform_info address) -> x0 = 0 on success, else the address of a
 * NUL-terminated reason} (e.g. {@code "bad magic"}); kmain prints {@code DTB: invalid: <reason>} and halts.
 * AAPCS64: x0-x17 may be clobbered, x19-x28 are preserved; it needs about 300 bytes of stack. On failure the
 * platform_info is partially filled.
 *
 * <h2>What it reads</h2>
 * Only {@code [dtb, dtb + totalsize)}, and only after checking that range: first the magic (4 bytes), then
 * totalsize (4 bytes), which must be at least the header and at most {@link #MAX_TOTALSIZE}; the rest of the
 * header only after that. So the caller must make {@code min(totalsize, 2 MiB)} bytes readable, never more.
 * The DTB is never written.
 *
 * <h2>What it checks</h2>
 * The blob is 8-byte aligned; magic {@code 0xd00dfeed}; version &gt;= 16 and last_comp_version &lt;= 17;
 * header &lt;= totalsize &lt;= 2 MiB; each block starts after the header and ends within totalsize; the
 * structure block is 4-aligned and the memory reservation block 8-aligned and terminated within totalsize.
 * In the structure block, every token, property header and property value lies within the block; property
 * name offsets lie within the strings block and the name is NUL-terminated there; node names are
 * NUL-terminated within the block; FDT_NOP is skipped, any other unknown token rejected; BEGIN_NODE and
 * END_NODE balance, there is exactly one root, no property outside a node or after a node's first subnode,
 * nesting is at most {@link #MAX_DEPTH} deep, and FDT_END is reached.
 *
 * <h2>What it extracts</h2>
 * <ul>
 * <li>Memory: every node at depth 1 named {@code memory} or {@code memory@...}, or with
 * {@code device_type = "memory"} (properties in any order); all entries of its {@code reg}, read with the
 * root's {@code #address-cells}/{@code #size-cells} (defaults 2 and 1; 1 or 2 supported, anything else is
 * "unsupported #address-cells"/"unsupported #size-cells"). No memory at all is "no /memory".</li>
 * <li>Reserved: the /memreserve/ block (source 0) and the {@code reg} of each child of {@code /reserved-memory}
 * read with that node's own cells (source 1). Children with only {@code size} (dynamic) are skipped.</li>
 * <li>UART: {@code /chosen/stdout-path}, an absolute path (the {@code :options} suffix is ignored) or an alias
 * of {@code /aliases}; the node it names gives {@code uart_pa}/{@code uart_size} (first {@code reg} entry,
 * read with its parent's cells; no {@code ranges} translation). Not found leaves {@code uart_pa} 0.</li>
 * </ul>
 * Ranges of size 0 are ignored; a range whose end does not fit in 64 bits is "range wraps around 2^64".
 */
public final class Fdt {
    public static final long MAGIC = 0xd00d_feedL;
    /** The largest totalsize accepted (as Linux's arm64 MAX_FDT_SIZE): the most fdt_parse will ever read. */
    public static final int MAX_TOTALSIZE = 2 * 1024 * 1024;
    /** The deepest nesting accepted (the root is depth 1). */
    public static final int MAX_DEPTH = 32;
    /** #address-cells and #size-cells of a node that does not say (Devicetree Specification 2.3.5). */
    public static final long DEFAULT_ADDRESS_CELLS = 2, DEFAULT_SIZE_CELLS = 1;

    /** Structure block tokens. */
    public static final int FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;

    /** Deliberate bugs, only for tests that show the tests catch them. */
    public enum Flaw {
        /** The node name scan reads one byte past the end of the structure block. */
        NAME_SCAN_ONE_PAST_END,
        /** A property value may end one byte past the end of the structure block. */
        PROP_VALUE_ONE_PAST_END
    }

    /** The walker's state: a cursor over the structure block (kept on the stack of fdt_parse). */
    static final Struct CURSOR = Struct.named("fdt_cursor")
            .u64("start")       // first token
            .u64("pos")         // next token
            .u64("end")         // end of the structure block
            .u64("strings")     // strings block
            .u64("strings_end")
            .u64("names_end")   // just past the strings block's last NUL: names must start before it
            .u64("depth")       // open nodes (the root is depth 1)
            .u64("prev")        // the previous token other than NOP (0 at the start)
            .u64("root_seen")
            .u64("name")        // BEGIN_NODE: node name; PROP: property name (NUL-terminated, checked)
            .u64("value")       // PROP: value address
            .u64("len")         // PROP: value length; BEGIN_NODE: name length
            .build();

    private static final int KIND_MEMORY = 0, KIND_MEMRESERVE = 1, KIND_RESERVED_MEMORY = 2;
    private static final int NODE_OTHER = 0, NODE_MEMORY = 1, NODE_RESERVED = 2, NODE_CHOSEN = 3, NODE_CPUS = 4;

    /** {@code fdt_parse(x0 = dtb, x1 = platform_info) -> x0 = 0 or reason}. */
    public final Label parse = new Label("fdt_parse").global();
    /** {@code fdt_next_token(x0 = cursor) -> x0 = 0 or reason, x1 = token} (NOPs skipped, all checks made). */
    public final Label nextToken = new Label("fdt_next_token");
    /** {@code fdt_add_range(x0 = info, x1 = base, x2 = size, x3 = kind) -> x0 = 0 or reason}. */
    public final Label addRange = new Label("fdt_add_range");
    /** {@code fdt_decode_reg(x0 = info, x1 = value, x2 = len, x3 = #address-cells, x4 = #size-cells, x5 = kind)}. */
    public final Label decodeReg = new Label("fdt_decode_reg");
    /** {@code fdt_streq(x0 = a, x1 = b) -> x0 = 1 if equal}: both NUL-terminated. */
    public final Label streq = new Label("fdt_streq");
    /** {@code fdt_node_is(x0 = node name, x1 = base name) -> x0 = 1 if name is base or base@unit}. */
    public final Label nodeIs = new Label("fdt_node_is");
    /** {@code fdt_is_string(x0 = value, x1 = len) -> x0 = 1 if a NUL lies within the len bytes}. */
    public final Label isString = new Label("fdt_is_string");
    /** {@code fdt_path_eq(x0 = name, x1 = path component) -> x0 = 1 if equal, x1 = the component's end}. */
    public final Label pathEq = new Label("fdt_path_eq");
    /** {@code fdt_find_alias(x0 = cursor, x1 = alias) -> x0 = 0 or reason, x1 = path or 0}. */
    public final Label findAlias = new Label("fdt_find_alias");
    /** {@code fdt_find_uart(x0 = cursor, x1 = path, x2 = info) -> x0 = 0 or reason}. */
    public final Label findUart = new Label("fdt_find_uart");

    private final MacroAssembler a;
    private final Flaw flaw;
    private final Map<String, Label> strings = new LinkedHashMap<>();
    private final Set<String> reasons = new LinkedHashSet<>();
    private final Map<String, Label> stubs = new LinkedHashMap<>();
    private Label propagate;

    private Fdt(MacroAssembler a, Flaw flaw) {
        this.a = a;
        this.flaw = flaw;
    }

    /** Emits the parser's routines into {@code a}'s .text (and its strings into .rodata). */
    public static Fdt emit(MacroAssembler a) {
        return emit(a, null);
    }

    /** Emits a parser with a deliberate {@code flaw} (null for none): for tests of the tests only. */
    public static Fdt emit(MacroAssembler a, Flaw flaw) {
        Fdt f = new Fdt(a, flaw);
        a.text();
        f.emitNextToken();
        f.emitStringHelpers();
        f.emitAddRange();
        f.emitDecodeReg();
        f.emitFindAlias();
        f.emitFindUart();
        f.emitParse();
        return f;
    }

    /** Every reason fdt_parse can return. */
    public Set<String> reasons() {
        return Collections.unmodifiableSet(reasons);
    }

    // ---- helpers for writing the routines ----------------------------------------------------------------------

    /** The label of a NUL-terminated constant string in .rodata (one copy per text). */
    private Label string(String s) {
        return strings.computeIfAbsent(s, a::cstring);
    }

    /** A branch target in the current function that returns {@code reason}. */
    private Label fail(String reason) {
        reasons.add(reason);
        return stubs.computeIfAbsent(reason, r -> new Label());
    }

    /** A branch target in the current function that returns with x0 as it is (a callee's reason). */
    private Label propagate() {
        if (propagate == null) propagate = new Label();
        return propagate;
    }

    /** Emits the current function's failure exits; call last in each function body. */
    private void exits() {
        for (Map.Entry<String, Label> e : stubs.entrySet()) {
            a.bind(e.getValue());
            a.adrl(x0, string(e.getKey()));
            a.leave();
        }
        stubs.clear();
        if (propagate != null) {
            a.bind(propagate);
            a.leave();
            propagate = null;
        }
    }

    /** {@code d = big-endian u32 at m} (zero-extended). */
    private void be32(XReg d, org.capazos.dsl.Mem m) {
        a.ldr(d.w(), m);
        a.rev(d.w(), d.w());
    }

    /** {@code d} = the next {@code cells} (1 or 2, a register) big-endian cells at {@code p}; p advances. */
    private void readCells(XReg d, XReg p, XReg cells, XReg tmp) {
        Label one = new Label();
        be32(d, mem(p));
        a.add(p, p, 4);
        a.cmp(cells, 2);
        a.b(NE, one);
        be32(tmp, mem(p));
        a.add(p, p, 4);
        a.orr(d, tmp, d, Shift.LSL, 32);
        a.bind(one);
    }

    /** {@code x = (x + 3) & ~3} */
    private void align4(XReg x) {
        a.add(x, x, 3);
        a.and(x, x, ~3L);
    }

    /** Branches to {@code otherwise} unless the cursor's current property is named {@code name}. */
    private void unlessProp(XReg cursor, String name, Label otherwise) {
        a.ldr(x0, CURSOR.at(cursor, "name"));
        a.adrl(x1, string(name));
        a.call(streq);
        a.cbz(x0, otherwise);
    }

    /** Branches to {@code otherwise} unless the cursor's current node is {@code name} or {@code name@...}. */
    private void unlessNode(XReg cursor, String name, Label otherwise) {
        a.ldr(x0, CURSOR.at(cursor, "name"));
        a.adrl(x1, string(name));
        a.call(nodeIs);
        a.cbz(x0, otherwise);
    }

    /** {@code d} = the current property as a #address-cells/#size-cells value, which must be 1 or 2. */
    private void cellsProperty(XReg cursor, XReg d, String reason) {
        a.ldr(x9, CURSOR.at(cursor, "len"));
        a.cmp(x9, 4);
        a.b(NE, fail(reason));
        a.ldr(x9, CURSOR.at(cursor, "value"));
        be32(x9, mem(x9));
        a.sub(x10, x9, 1);
        a.cmp(x10, 1);
        a.b(HI, fail(reason));
        a.mov(d, x9);
    }

    /** Sets the cursor back to the first token with no node open. */
    private void rewind(XReg cursor) {
        a.ldr(x9, CURSOR.at(cursor, "start"));
        a.str(x9, CURSOR.at(cursor, "pos"));
        a.str(xzr, CURSOR.at(cursor, "depth"));
        a.str(xzr, CURSOR.at(cursor, "prev"));
        a.str(xzr, CURSOR.at(cursor, "root_seen"));
    }

    // ---- the token walker --------------------------------------------------------------------------------------

    private void emitNextToken() {
        a.leafFunction(nextToken, () -> {
            Label top = new Label(), begin = new Label(), endNode = new Label(), prop = new Label(),
                    end = new Label();
            // x0 cursor, x2 pos, x3 end of the structure block
            a.ldr(x2, CURSOR.at(x0, "pos"));
            a.ldr(x3, CURSOR.at(x0, "end"));
            a.bind(top);
            a.add(x4, x2, 4);
            a.cmp(x4, x3);
            a.b(HI, fail("struct block truncated"));
            be32(x5, mem(x2));
            a.mov(x2, x4);
            a.cmp(x5, FDT_NOP);
            a.b(EQ, top);
            a.cmp(x5, FDT_BEGIN_NODE);
            a.b(EQ, begin);
            a.cmp(x5, FDT_END_NODE);
            a.b(EQ, endNode);
            a.cmp(x5, FDT_PROP);
            a.b(EQ, prop);
            a.cmp(x5, FDT_END);
            a.b(EQ, end);
            a.b(fail("unknown token"));

            // FDT_BEGIN_NODE, then the NUL-terminated name, padded to 4 bytes
            a.bind(begin);
            Label notRoot = new Label(), scan = new Label();
            a.ldr(x6, CURSOR.at(x0, "depth"));
            a.cbnz(x6, notRoot);
            a.ldr(x7, CURSOR.at(x0, "root_seen"));
            a.cbnz(x7, fail("more than one root node"));
            a.mov(x7, 1L);
            a.str(x7, CURSOR.at(x0, "root_seen"));
            a.bind(notRoot);
            a.cmp(x6, MAX_DEPTH);
            a.b(HS, fail("nodes nested too deep"));
            a.mov(x7, x2);
            a.bind(scan);
            a.cmp(x7, x3);
            a.b(flaw == Flaw.NAME_SCAN_ONE_PAST_END ? HI : HS, fail("unterminated node name"));
            a.ldrb(w8, postIndex(x7, 1));
            a.cbnz(w8, scan);
            a.str(x2, CURSOR.at(x0, "name"));
            a.sub(x8, x7, x2);
            a.sub(x8, x8, 1);
            a.str(x8, CURSOR.at(x0, "len"));
            align4(x7);
            a.str(x7, CURSOR.at(x0, "pos"));
            a.add(x6, x6, 1);
            a.str(x6, CURSOR.at(x0, "depth"));
            a.mov(x1, (long) FDT_BEGIN_NODE);
            a.str(x1, CURSOR.at(x0, "prev"));
            a.mov(x0, 0L);
            a.ret();

            a.bind(endNode);
            a.ldr(x6, CURSOR.at(x0, "depth"));
            a.cbz(x6, fail("unbalanced nodes"));
            a.sub(x6, x6, 1);
            a.str(x6, CURSOR.at(x0, "depth"));
            a.str(x2, CURSOR.at(x0, "pos"));
            a.mov(x1, (long) FDT_END_NODE);
            a.str(x1, CURSOR.at(x0, "prev"));
            a.mov(x0, 0L);
            a.ret();

            // FDT_PROP, u32 len, u32 nameoff, len bytes of value, padded to 4 bytes
            a.bind(prop);
            a.ldr(x6, CURSOR.at(x0, "depth"));
            a.cbz(x6, fail("property outside a node"));
            a.ldr(x7, CURSOR.at(x0, "prev"));
            a.cmp(x7, FDT_END_NODE);
            a.b(EQ, fail("property after a subnode"));
            a.add(x4, x2, 8);
            a.cmp(x4, x3);
            a.b(HI, fail("property header out of bounds"));
            be32(x5, mem(x2));          // len
            be32(x6, mem(x2, 4));       // nameoff
            a.add(x7, x4, x5);          // end of the value (no overflow: len < 2^32)
            if (flaw == Flaw.PROP_VALUE_ONE_PAST_END) {
                a.add(x8, x3, 1);
                a.cmp(x7, x8);
            } else {
                a.cmp(x7, x3);
            }
            a.b(HI, fail("property length out of bounds"));
            a.str(x4, CURSOR.at(x0, "value"));
            a.str(x5, CURSOR.at(x0, "len"));
            a.ldr(x8, CURSOR.at(x0, "strings"));
            a.ldr(x9, CURSOR.at(x0, "strings_end"));
            a.sub(x10, x9, x8);
            a.cmp(x6, x10);
            a.b(HS, fail("property name offset out of bounds"));
            // a NUL at or after the name's start, within the block, exists iff the name starts before the
            // block's last NUL (found once by fdt_parse): no scan per property
            a.ldr(x9, CURSOR.at(x0, "names_end"));
            a.sub(x10, x9, x8);
            a.cmp(x6, x10);
            a.b(HS, fail("unterminated property name"));
            a.add(x10, x8, x6);
            a.str(x10, CURSOR.at(x0, "name"));
            align4(x7);
            a.str(x7, CURSOR.at(x0, "pos"));
            a.mov(x1, (long) FDT_PROP);
            a.str(x1, CURSOR.at(x0, "prev"));
            a.mov(x0, 0L);
            a.ret();

            a.bind(end);
            a.ldr(x6, CURSOR.at(x0, "depth"));
            a.cbnz(x6, fail("unbalanced nodes"));
            a.ldr(x6, CURSOR.at(x0, "root_seen"));
            a.cbz(x6, fail("no root node"));
            a.str(x2, CURSOR.at(x0, "pos"));
            a.mov(x1, (long) FDT_END);
            a.str(x1, CURSOR.at(x0, "prev"));
            a.mov(x0, 0L);
            a.ret();
            exits();
        });
    }

    // ---- strings -----------------------------------------------------------------------------------------------

    private void emitStringHelpers() {
        // streq: stops at the first difference or the common NUL, so it never reads past either string
        a.leafFunction(streq, () -> {
            Label loop = new Label(), differ = new Label();
            a.bind(loop);
            a.ldrb(w9, postIndex(x0, 1));
            a.ldrb(w10, postIndex(x1, 1));
            a.cmp(w9, w10);
            a.b(NE, differ);
            a.cbnz(w9, loop);
            a.mov(x0, 1L);
            a.ret();
            a.bind(differ);
            a.mov(x0, 0L);
            a.ret();
        });

        // node_is: "memory" matches "memory" and "memory@40000000", not "memory-controller"
        a.leafFunction(nodeIs, () -> {
            Label loop = new Label(), baseEnd = new Label(), no = new Label();
            a.bind(loop);
            a.ldrb(w10, postIndex(x1, 1));
            a.cbz(w10, baseEnd);
            a.ldrb(w9, postIndex(x0, 1));
            a.cmp(w9, w10);
            a.b(NE, no);
            a.b(loop);
            a.bind(baseEnd);
            a.ldrb(w9, mem(x0));
            a.cmp(w9, '@');
            a.cset(x10, EQ);
            a.cmp(w9, 0);
            a.cset(x0, EQ);
            a.orr(x0, x0, x10);
            a.ret();
            a.bind(no);
            a.mov(x0, 0L);
            a.ret();
        });

        // is_string: a NUL within the value's len bytes
        a.leafFunction(isString, () -> {
            Label loop = new Label(), yes = new Label(), no = new Label();
            a.add(x1, x0, x1);
            a.bind(loop);
            a.cmp(x0, x1);
            a.b(HS, no);
            a.ldrb(w9, postIndex(x0, 1));
            a.cbz(w9, yes);
            a.b(loop);
            a.bind(yes);
            a.mov(x0, 1L);
            a.ret();
            a.bind(no);
            a.mov(x0, 0L);
            a.ret();
        });

        // path_eq: a path component ends at '/', ':' or NUL
        a.leafFunction(pathEq, () -> {
            Label loop = new Label(), compEnd = new Label(), no = new Label();
            a.bind(loop);
            a.ldrb(w9, mem(x1));
            a.cbz(w9, compEnd);
            a.cmp(w9, '/');
            a.b(EQ, compEnd);
            a.cmp(w9, ':');
            a.b(EQ, compEnd);
            a.ldrb(w10, postIndex(x0, 1));
            a.cmp(w10, w9);
            a.b(NE, no);
            a.add(x1, x1, 1);
            a.b(loop);
            a.bind(compEnd);
            a.ldrb(w10, mem(x0));
            a.cbnz(w10, no);
            a.mov(x0, 1L);
            a.ret();
            a.bind(no);
            a.mov(x0, 0L);
            a.ret();
        });
    }

    // ---- ranges ------------------------------------------------------------------------------------------------

    private void emitAddRange() {
        Struct info = PlatformInfo.LAYOUT;
        a.leafFunction(addRange, () -> {
            Label done = new Label(), reserved = new Label();
            a.cbz(x2, done);                                // empty: ignored
            a.adds(x9, x1, x2);
            a.b(HS, fail("range wraps around 2^64"));       // carry: base + size needs 65 bits
            a.cbnz(x3, reserved);
            a.ldr(x9, info.at(x0, "memory_count"));
            a.cmp(x9, PlatformInfo.MAX_MEMORY);
            a.b(HS, fail("too many memory ranges"));
            a.add(x10, x0, info.offset("memory"));
            a.add(x10, x10, x9, Shift.LSL, 4);
            a.stp(x1, x2, mem(x10));
            a.add(x9, x9, 1);
            a.str(x9, info.at(x0, "memory_count"));
            a.b(done);
            a.bind(reserved);
            a.ldr(x9, info.at(x0, "reserved_count"));
            a.cmp(x9, PlatformInfo.MAX_RESERVED);
            a.b(HS, fail("too many reserved ranges"));
            a.mov(x10, PlatformInfo.RESERVED.size());
            a.madd(x10, x9, x10, x0);
            a.add(x10, x10, info.offset("reserved"));
            a.stp(x1, x2, mem(x10));
            a.sub(x11, x3, 1);                              // kind 1 -> source 0, kind 2 -> source 1
            a.str(x11, mem(x10, PlatformInfo.RESERVED.offset("source")));
            a.add(x9, x9, 1);
            a.str(x9, info.at(x0, "reserved_count"));
            a.bind(done);
            a.mov(x0, 0L);
            a.ret();
            exits();
        });
    }

    private void emitDecodeReg() {
        a.function(decodeReg, new XReg[] {x19, x20, x21, x22, x23, x24}, 0, () -> {
            Label loop = new Label(), done = new Label();
            a.mov(x19, x0);                                 // info
            a.mov(x20, x1);                                 // next cell
            a.mov(x21, x2);                                 // bytes left
            a.mov(x22, x3);                                 // #address-cells
            a.mov(x23, x4);                                 // #size-cells
            a.mov(x24, x5);                                 // kind
            a.add(x9, x22, x23);
            a.lsl(x9, x9, 2);                               // bytes per entry
            a.udiv(x10, x21, x9);
            a.msub(x10, x10, x9, x21);
            a.cbnz(x10, fail("reg length not a multiple of its cells"));
            a.bind(loop);
            a.cbz(x21, done);
            readCells(x1, x20, x22, x9);
            readCells(x2, x20, x23, x9);
            a.add(x9, x22, x23);
            a.sub(x21, x21, x9, Shift.LSL, 2);
            a.mov(x0, x19);
            a.mov(x3, x24);
            a.call(addRange);
            a.cbnz(x0, propagate());
            a.b(loop);
            a.bind(done);
            a.mov(x0, 0L);
            a.leave();
            exits();
        });
    }

    // ---- /aliases and the stdout-path node ---------------------------------------------------------------------

    private void emitFindAlias() {
        a.function(findAlias, new XReg[] {x19, x20, x21}, 0, () -> {
            Label loop = new Label(), notFound = new Label(), notBegin = new Label(), notEndNode = new Label();
            a.mov(x19, x0);                                 // cursor
            a.mov(x20, x1);                                 // alias name (ends at ':' or NUL)
            a.mov(x21, 0L);                                 // inside /aliases
            a.bind(loop);
            a.mov(x0, x19);
            a.call(nextToken);
            a.cbnz(x0, propagate());
            a.cmp(x1, FDT_END);
            a.b(EQ, notFound);
            a.cmp(x1, FDT_BEGIN_NODE);
            a.b(NE, notBegin);
            a.ldr(x9, CURSOR.at(x19, "depth"));
            a.cmp(x9, 2);
            a.b(NE, loop);
            a.ldr(x0, CURSOR.at(x19, "name"));
            a.adrl(x1, string("aliases"));
            a.call(nodeIs);
            a.mov(x21, x0);
            a.b(loop);
            a.bind(notBegin);
            a.cmp(x1, FDT_END_NODE);
            a.b(NE, notEndNode);
            a.ldr(x9, CURSOR.at(x19, "depth"));
            a.cmp(x9, 1);
            a.b(NE, loop);
            a.mov(x21, 0L);
            a.b(loop);
            a.bind(notEndNode);                             // a property
            a.cbz(x21, loop);
            a.ldr(x9, CURSOR.at(x19, "depth"));
            a.cmp(x9, 2);
            a.b(NE, loop);
            a.ldr(x0, CURSOR.at(x19, "name"));
            a.mov(x1, x20);
            a.call(pathEq);
            a.cbz(x0, loop);
            a.ldr(x0, CURSOR.at(x19, "value"));
            a.ldr(x1, CURSOR.at(x19, "len"));
            a.call(isString);
            a.cbz(x0, fail("unterminated alias"));
            a.mov(x0, 0L);
            a.ldr(x1, CURSOR.at(x19, "value"));
            a.leave();
            a.bind(notFound);
            a.mov(x0, 0L);
            a.mov(x1, 0L);
            a.leave();
            exits();
        });
    }

    private void emitFindUart() {
        Struct info = PlatformInfo.LAYOUT;
        a.function(findUart, new XReg[] {x19, x20, x21, x22, x23, x24, x25, x26, x27}, 0, () -> {
            Label loop = new Label(), done = new Label(), onBegin = new Label(), onEnd = new Label(),
                    targetProp = new Label(), notAc = new Label(), notSc = new Label(), child = new Label(),
                    found = new Label();
            XReg cursor = x19, comp = x20, pinfo = x21, matched = x22, pac = x23, psc = x24, nac = x25,
                    nsc = x26, isTarget = x27;
            a.mov(cursor, x0);
            a.add(comp, x1, 1);                             // past the leading '/'
            a.mov(pinfo, x2);
            a.mov(matched, 0L);                             // depth of the deepest node on the path so far
            a.mov(pac, DEFAULT_ADDRESS_CELLS);                                 // cells of the matched node's parent
            a.mov(psc, DEFAULT_SIZE_CELLS);
            a.mov(nac, DEFAULT_ADDRESS_CELLS);                                 // cells the matched node declares for its children
            a.mov(nsc, DEFAULT_SIZE_CELLS);
            a.mov(isTarget, 0L);
            a.bind(loop);
            a.mov(x0, cursor);
            a.call(nextToken);
            a.cbnz(x0, propagate());
            a.cmp(x1, FDT_END);
            a.b(EQ, done);
            a.cmp(x1, FDT_BEGIN_NODE);
            a.b(EQ, onBegin);
            a.cmp(x1, FDT_END_NODE);
            a.b(EQ, onEnd);
            // a property: only those of the matched node matter
            a.ldr(x9, CURSOR.at(cursor, "depth"));
            a.cmp(x9, matched);
            a.b(NE, loop);
            a.cbnz(isTarget, targetProp);
            unlessProp(cursor, "#address-cells", notAc);
            rawCells(cursor, nac);
            a.b(loop);
            a.bind(notAc);
            unlessProp(cursor, "#size-cells", notSc);
            rawCells(cursor, nsc);
            a.b(loop);
            a.bind(notSc);
            a.b(loop);

            a.bind(targetProp);
            unlessProp(cursor, "reg", loop);
            a.sub(x9, pac, 1);
            a.cmp(x9, 1);
            a.b(HI, fail("unsupported #address-cells"));
            a.sub(x9, psc, 1);
            a.cmp(x9, 1);
            a.b(HI, fail("unsupported #size-cells"));
            a.add(x9, pac, psc);
            a.lsl(x9, x9, 2);
            a.ldr(x10, CURSOR.at(cursor, "len"));
            a.cmp(x10, x9);
            a.b(LO, fail("reg length not a multiple of its cells"));
            a.ldr(x10, CURSOR.at(cursor, "value"));
            readCells(x11, x10, pac, x9);
            readCells(x12, x10, psc, x9);
            a.str(x11, info.at(pinfo, "uart_pa"));
            a.str(x12, info.at(pinfo, "uart_size"));
            a.b(done);

            a.bind(onBegin);
            a.cbnz(isTarget, done);                         // the target's properties are over: no reg
            a.ldr(x9, CURSOR.at(cursor, "depth"));
            a.add(x10, matched, 1);
            a.cmp(x9, x10);
            a.b(NE, loop);                                  // not a child of the matched node
            a.cmp(x9, 1);
            a.b(NE, child);
            a.mov(matched, 1L);                             // the root
            a.b(loop);
            a.bind(child);
            a.ldr(x0, CURSOR.at(cursor, "name"));
            a.mov(x1, comp);
            a.call(pathEq);
            a.cbz(x0, loop);
            a.ldr(matched, CURSOR.at(cursor, "depth"));
            a.mov(pac, nac);
            a.mov(psc, nsc);
            a.mov(nac, DEFAULT_ADDRESS_CELLS);
            a.mov(nsc, DEFAULT_SIZE_CELLS);
            a.ldrb(w9, mem(x1));
            a.cmp(w9, '/');
            a.b(NE, found);
            a.add(comp, x1, 1);
            a.b(loop);
            a.bind(found);
            a.mov(isTarget, 1L);
            a.b(loop);

            a.bind(onEnd);
            a.ldr(x9, CURSOR.at(cursor, "depth"));
            a.cmp(x9, matched);
            a.b(LO, done);                                  // left a node on the path: the rest is elsewhere
            a.b(loop);

            a.bind(done);
            a.mov(x0, 0L);
            a.leave();
            exits();
        });
    }

    /** {@code d} = the current property's u32 value, or 0 if it is not 4 bytes long (checked when used). */
    private void rawCells(XReg cursor, XReg d) {
        Label bad = new Label(), end = new Label();
        a.ldr(x9, CURSOR.at(cursor, "len"));
        a.cmp(x9, 4);
        a.b(NE, bad);
        a.ldr(x9, CURSOR.at(cursor, "value"));
        be32(d, mem(x9));
        a.b(end);
        a.bind(bad);
        a.mov(d, 0L);
        a.bind(end);
    }

    // ---- fdt_parse ---------------------------------------------------------------------------------------------

    private void emitParse() {
        Struct info = PlatformInfo.LAYOUT;
        if (info.size() % 16 != 0) throw new IllegalStateException("platform_info is zeroed 16 bytes at a time");
        XReg[] saved = {x19, x20, x21, x22, x23, x24, x25, x26, x27, x28};
        a.function(parse, saved, (int) CURSOR.size(), () -> {
            XReg pinfo = x19, cursor = x20, dtb = x21, node = x22, regValue = x23, regLen = x24, ac = x25,
                    sc = x26, rac = x27, rsc = x28;
            a.mov(pinfo, x1);
            a.mov(dtb, x0);
            a.add(cursor, sp, a.currentFunction().localsOffset());

            // the platform_info starts zeroed
            Label zero = new Label();
            a.mov(x9, pinfo);
            a.mov(x10, info.size() / 16);                  // 1120 bytes: a multiple of 16
            a.bind(zero);
            a.stp(xzr, xzr, postIndex(x9, 16));
            a.sub(x10, x10, 1);
            a.cbnz(x10, zero);

            // ---- the header: magic and totalsize first, the rest once totalsize is known to cover it
            a.tst(dtb, 7L);
            a.b(NE, fail("blob not 8-byte aligned"));
            a.str(dtb, info.at(pinfo, "dtb_pa"));
            be32(x9, mem(dtb));
            a.mov(w10, MAGIC);
            a.cmp(w9, w10);
            a.b(NE, fail("bad magic"));
            XReg total = x11, version = x12, header = x14;
            be32(total, mem(dtb, 4));
            a.cmp(total, 36);                               // the version 16 header
            a.b(LO, fail("totalsize smaller than the header"));
            a.mov(x9, (long) MAX_TOTALSIZE);
            a.cmp(total, x9);
            a.b(HI, fail("totalsize too large"));
            a.str(total, info.at(pinfo, "dtb_size"));
            be32(version, mem(dtb, 20));
            a.cmp(version, 16);
            a.b(LO, fail("unsupported version"));
            a.str(version, info.at(pinfo, "version"));
            be32(x13, mem(dtb, 24));
            a.cmp(x13, 17);
            a.b(HI, fail("unsupported last_comp_version"));
            a.mov(header, 36L);                             // header size: 40 from version 17 (size_dt_struct)
            a.mov(x9, 40L);
            a.cmp(version, 17);
            a.csel(header, x9, header, HS);
            a.cmp(total, header);
            a.b(LO, fail("totalsize smaller than the header"));
            be32(x9, mem(dtb, 28));
            a.str(x9, info.at(pinfo, "boot_cpuid"));

            // ---- structure block: [off_dt_struct, + size_dt_struct (v17) or up to totalsize (v16))
            Label v16 = new Label(), haveSize = new Label();
            String structBounds = "struct block out of bounds";
            be32(x9, mem(dtb, 8));
            a.cmp(x9, header);
            a.b(LO, fail(structBounds));
            a.cmp(x9, total);
            a.b(HI, fail(structBounds));
            a.tst(x9, 3L);
            a.b(NE, fail("struct block misaligned"));
            a.cmp(version, 17);
            a.b(LO, v16);
            be32(x10, mem(dtb, 36));
            a.b(haveSize);
            a.bind(v16);
            a.sub(x10, total, x9);
            a.bind(haveSize);
            a.add(x10, x9, x10);
            a.cmp(x10, total);
            a.b(HI, fail(structBounds));
            a.add(x9, dtb, x9);
            a.str(x9, CURSOR.at(cursor, "start"));
            a.add(x10, dtb, x10);
            a.str(x10, CURSOR.at(cursor, "end"));

            // ---- strings block
            String stringsBounds = "strings block out of bounds";
            be32(x9, mem(dtb, 12));
            be32(x10, mem(dtb, 32));
            a.cmp(x9, header);
            a.b(LO, fail(stringsBounds));
            a.add(x10, x9, x10);
            a.cmp(x10, total);
            a.b(HI, fail(stringsBounds));
            a.add(x9, dtb, x9);
            a.str(x9, CURSOR.at(cursor, "strings"));
            a.add(x10, dtb, x10);
            a.str(x10, CURSOR.at(cursor, "strings_end"));
            Label lastNul = new Label(), haveLastNul = new Label();
            a.bind(lastNul);                                // names_end: just past the last NUL, or strings
            a.cmp(x10, x9);
            a.b(LS, haveLastNul);
            a.ldrb(w13, mem(x10, -1));
            a.cbz(w13, haveLastNul);
            a.sub(x10, x10, 1);
            a.b(lastNul);
            a.bind(haveLastNul);
            a.str(x10, CURSOR.at(cursor, "names_end"));

            // ---- memory reservation block: {be64 address, be64 size} until {0, 0}
            String rsvBounds = "memreserve block out of bounds";
            Label rsvLoop = new Label(), rsvDone = new Label();
            be32(x9, mem(dtb, 16));
            a.cmp(x9, header);
            a.b(LO, fail(rsvBounds));
            a.tst(x9, 7L);
            a.b(NE, fail("memreserve block misaligned"));
            a.add(regValue, dtb, x9);                       // entry pointer
            a.add(regLen, dtb, total);                      // end of the blob
            a.bind(rsvLoop);
            a.add(x9, regValue, 16);
            a.cmp(x9, regLen);
            a.b(HI, fail(rsvBounds));
            a.ldr(x1, mem(regValue));
            a.rev(x1, x1);
            a.ldr(x2, mem(regValue, 8));
            a.rev(x2, x2);
            a.add(regValue, regValue, 16);
            a.orr(x9, x1, x2);
            a.cbz(x9, rsvDone);
            a.mov(x0, pinfo);
            a.mov(x3, (long) KIND_MEMRESERVE);
            a.call(addRange);
            a.cbnz(x0, propagate());
            a.b(rsvLoop);
            a.bind(rsvDone);

            // ---- pass 1: validate the whole structure block; memory, reserved-memory, stdout-path, cpus
            Label loop = new Label(), passDone = new Label(), onBegin = new Label(), onEnd = new Label(),
                    rootProp = new Label(), nodeProp = new Label();
            rewind(cursor);
            a.mov(node, (long) NODE_OTHER);
            a.mov(regValue, 0L);
            a.mov(regLen, 0L);
            a.mov(ac, DEFAULT_ADDRESS_CELLS);
            a.mov(sc, DEFAULT_SIZE_CELLS);
            a.mov(rac, DEFAULT_ADDRESS_CELLS);
            a.mov(rsc, DEFAULT_SIZE_CELLS);
            a.bind(loop);
            a.mov(x0, cursor);
            a.call(nextToken);
            a.cbnz(x0, propagate());
            a.cmp(x1, FDT_END);
            a.b(EQ, passDone);
            a.cmp(x1, FDT_BEGIN_NODE);
            a.b(EQ, onBegin);
            a.cmp(x1, FDT_END_NODE);
            a.b(EQ, onEnd);
            // a property
            a.ldr(x9, CURSOR.at(cursor, "depth"));
            a.cmp(x9, 1);
            a.b(EQ, rootProp);
            a.cmp(x9, 2);
            a.b(EQ, nodeProp);
            a.cmp(x9, 3);
            a.b(NE, loop);
            // depth 3: the reg of a /reserved-memory child, with /reserved-memory's cells
            a.cmp(node, NODE_RESERVED);
            a.b(NE, loop);
            unlessProp(cursor, "reg", loop);
            a.mov(x0, pinfo);
            a.ldr(x1, CURSOR.at(cursor, "value"));
            a.ldr(x2, CURSOR.at(cursor, "len"));
            a.mov(x3, rac);
            a.mov(x4, rsc);
            a.mov(x5, (long) KIND_RESERVED_MEMORY);
            a.call(decodeReg);
            a.cbnz(x0, propagate());
            a.b(loop);

            a.bind(rootProp);
            Label notAc = new Label(), notSc = new Label();
            unlessProp(cursor, "#address-cells", notAc);
            cellsProperty(cursor, ac, "unsupported #address-cells");
            a.b(loop);
            a.bind(notAc);
            unlessProp(cursor, "#size-cells", notSc);
            cellsProperty(cursor, sc, "unsupported #size-cells");
            a.bind(notSc);
            a.b(loop);

            a.bind(nodeProp);
            Label notReg = new Label(), notReserved = new Label(), notRac = new Label(), notChosen = new Label();
            unlessProp(cursor, "reg", notReg);
            a.ldr(regValue, CURSOR.at(cursor, "value"));    // used at END_NODE if this is a memory node
            a.ldr(regLen, CURSOR.at(cursor, "len"));
            a.b(loop);
            a.bind(notReg);
            a.cmp(node, NODE_RESERVED);
            a.b(NE, notReserved);
            unlessProp(cursor, "#address-cells", notRac);
            cellsProperty(cursor, rac, "unsupported #address-cells");
            a.b(loop);
            a.bind(notRac);
            unlessProp(cursor, "#size-cells", loop);
            cellsProperty(cursor, rsc, "unsupported #size-cells");
            a.b(loop);
            a.bind(notReserved);
            a.cmp(node, NODE_CHOSEN);
            a.b(NE, notChosen);
            unlessProp(cursor, "stdout-path", loop);
            a.ldr(x0, CURSOR.at(cursor, "value"));
            a.ldr(x1, CURSOR.at(cursor, "len"));
            a.call(isString);
            a.cbz(x0, fail("unterminated stdout-path"));
            a.ldr(x9, CURSOR.at(cursor, "value"));
            a.str(x9, info.at(pinfo, "stdout_path"));
            a.b(loop);
            a.bind(notChosen);
            a.cbnz(node, loop);                             // device_type only classifies unnamed nodes
            unlessProp(cursor, "device_type", loop);
            a.ldr(x9, CURSOR.at(cursor, "len"));
            a.cmp(x9, "memory".length() + 1);
            a.b(NE, loop);
            a.ldr(x0, CURSOR.at(cursor, "value"));
            a.adrl(x1, string("memory"));
            a.call(streq);
            a.cbz(x0, loop);
            a.mov(node, (long) NODE_MEMORY);
            a.b(loop);

            a.bind(onBegin);
            Label notDepth2 = new Label(), n1 = new Label(), n2 = new Label(), n3 = new Label(), n4 = new Label();
            a.ldr(x9, CURSOR.at(cursor, "depth"));
            a.cmp(x9, 2);
            a.b(NE, notDepth2);
            a.mov(node, (long) NODE_OTHER);
            a.mov(regValue, 0L);
            a.mov(regLen, 0L);
            unlessNode(cursor, "memory", n1);
            a.mov(node, (long) NODE_MEMORY);
            a.b(loop);
            a.bind(n1);
            unlessNode(cursor, "reserved-memory", n2);
            a.mov(node, (long) NODE_RESERVED);
            a.mov(rac, DEFAULT_ADDRESS_CELLS);
            a.mov(rsc, DEFAULT_SIZE_CELLS);
            a.b(loop);
            a.bind(n2);
            unlessNode(cursor, "chosen", n3);
            a.mov(node, (long) NODE_CHOSEN);
            a.b(loop);
            a.bind(n3);
            unlessNode(cursor, "cpus", n4);
            a.mov(node, (long) NODE_CPUS);
            a.bind(n4);
            a.b(loop);
            a.bind(notDepth2);
            a.cmp(x9, 3);
            a.b(NE, loop);
            a.cmp(node, NODE_CPUS);
            a.b(NE, loop);
            unlessNode(cursor, "cpu", loop);
            a.ldr(x9, info.at(pinfo, "cpu_count"));
            a.add(x9, x9, 1);
            a.str(x9, info.at(pinfo, "cpu_count"));
            a.b(loop);

            a.bind(onEnd);
            Label clear = new Label();
            a.ldr(x9, CURSOR.at(cursor, "depth"));
            a.cmp(x9, 1);
            a.b(NE, loop);                                  // only the end of a depth-2 node matters
            a.cmp(node, NODE_MEMORY);
            a.b(NE, clear);
            a.cbz(regValue, clear);
            a.mov(x0, pinfo);
            a.mov(x1, regValue);
            a.mov(x2, regLen);
            a.mov(x3, ac);
            a.mov(x4, sc);
            a.mov(x5, (long) KIND_MEMORY);
            a.call(decodeReg);
            a.cbnz(x0, propagate());
            a.bind(clear);
            a.mov(node, (long) NODE_OTHER);
            a.mov(regValue, 0L);
            a.mov(regLen, 0L);
            a.b(loop);

            a.bind(passDone);
            a.str(ac, info.at(pinfo, "address_cells"));
            a.str(sc, info.at(pinfo, "size_cells"));
            a.ldr(x9, info.at(pinfo, "memory_count"));
            a.cbz(x9, fail("no /memory"));

            // ---- pass 2: the node /chosen/stdout-path names (through /aliases if it is not a path)
            Label success = new Label(), havePath = new Label();
            a.ldr(x1, info.at(pinfo, "stdout_path"));
            a.cbz(x1, success);
            a.ldrb(w9, mem(x1));
            a.cmp(w9, '/');
            a.b(EQ, havePath);
            rewind(cursor);
            a.mov(x0, cursor);
            a.call(findAlias);
            a.cbnz(x0, propagate());
            a.cbz(x1, success);
            a.ldrb(w9, mem(x1));
            a.cmp(w9, '/');
            a.b(NE, success);
            a.bind(havePath);
            rewind(cursor);
            a.mov(x0, cursor);
            a.mov(x2, pinfo);
            a.call(findUart);
            a.cbnz(x0, propagate());
            a.bind(success);
            a.mov(x0, 0L);
            a.leave();
            exits();
        });
    }
}
