package org.capazos.harness.emu;

import org.capazos.dsl.Disassembler;
import org.capazos.dsl.module.Module;
import org.capazos.dsl.module.ModuleSection;
import org.capazos.dsl.module.ModuleSymbol;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.LinkedSymbol;
import org.capazos.imagegen.link.Linker;
import org.capazos.imagegen.link.OutputSection;
import org.capazos.imagegen.script.Parser;
import unicorn.Arm64Const;
import unicorn.CodeHook;
import unicorn.EventMemHook;
import unicorn.InterruptHook;
import unicorn.ReadHook;
import unicorn.Unicorn;
import unicorn.UnicornConst;
import unicorn.UnicornException;
import unicorn.WriteHook;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs single kernel routines in-process on Unicorn (AArch64, no MMU: addresses are the image's link
 * addresses), with exact instruction counts and strict memory checking.
 *
 * <pre>{@code
 * try (Emulator emu = Emulator.link(List.of(module), 0x4008_0000L)) {
 *     emu.mapExact("dtb", 0x8000_0000L, blob, false);     // reads outside these bytes fail the call
 *     emu.mapExact("info", 0x8100_0000L, 1024, true);
 *     long r = emu.call("fdt_parse", 0x8000_0000L, 0x8100_0000L);
 *     long n = emu.instructionsExecuted();                 // of that call, deterministic
 *     long base = emu.readLong(0x8100_0000L + 8);
 *     String printed = emu.uartOutput();                   // what was written to the PL011 data register
 * }
 * }</pre>
 *
 * <p><b>Memory.</b> Each allocated output section is mapped at its virtual address with the permissions its
 * flags give (code r-x, read-only data r--, data and .bss rw-). A stack of {@link #STACK_SIZE} bytes sits
 * below {@link #STACK_TOP}. {@link #map} adds rw pages; {@link #mapExact} adds a buffer checked to the byte:
 * any access outside it (even in the same page) or a write to a read-only buffer fails the call. Everything
 * else is unmapped, and touching it fails the call.
 *
 * <p><b>Devices.</b> A PL011 page at {@link #DEFAULT_UART_BASE} (more with {@link #mapUart}): bytes written
 * to UARTDR (offset 0) are collected in {@link #uartOutput()}; UARTFR (offset 0x18) reads 0, so the transmit
 * FIFO is never full.
 *
 * <p><b>Calls.</b> {@link #call} sets x0..x7 to the arguments, sp to {@link #STACK_TOP}, fp to 0 and lr to
 * {@link #RETURN_ADDRESS}, runs until the routine returns there and gives back x0. Other registers keep what
 * {@link #setX} (or the previous call) left. Unless {@link #checkAbi(boolean) turned off}, x19..x28 are
 * seeded with known values and must come back unchanged, as must sp. Any fault, exception (svc, brk,
 * undefined instruction...) or running past {@link #instructionLimit(long) the instruction limit} throws an
 * {@link EmulatorException} naming the pc, the address, the access and the nearest symbol.
 *
 * <p>Not thread-safe; close it to free the native engine.
 */
public final class Emulator implements AutoCloseable {
    public static final long PAGE = 4096;
    /** QEMU virt's PL011, where a UART page is mapped by default. */
    public static final long DEFAULT_UART_BASE = 0x0900_0000L;
    /** The initial sp of every call (16-aligned; the stack grows down from here). */
    public static final long STACK_TOP = 0x7000_0000L;
    public static final long STACK_SIZE = 256 * 1024;
    /** Where routines return to (a page holding {@code brk #0}): reaching it ends the call. */
    public static final long RETURN_ADDRESS = 0xdead_0000L;
    /** The default limit of instructions per call. */
    public static final long DEFAULT_INSTRUCTION_LIMIT = 50_000_000L;

    private static final int UART_FR = 0x18;
    private static final int R = UnicornConst.UC_PROT_READ, W = UnicornConst.UC_PROT_WRITE,
            X = UnicornConst.UC_PROT_EXEC;

    private final Unicorn uc;
    private final LinkedImage image;
    private final List<LinkedSymbol> byAddress;
    /** Mapped pages and their permissions; exact buffers' pages are marked with EXACT_PAGE. */
    private final TreeMap<Long, Integer> pages = new TreeMap<>();
    private static final int EXACT_PAGE = 0x100;
    private final List<Buffer> buffers = new ArrayList<>();
    private final StringBuilder uart = new StringBuilder();
    private Disassembler disassembler;

    private long count;
    private java.util.HashMap<Long, long[]> histogram;
    private long limit = DEFAULT_INSTRUCTION_LIMIT;
    private long lastPc;
    private boolean checkAbi = true;
    private Fault fault;

    /** A byte-exact buffer and the hooks that guard it. */
    private record Buffer(String name, long address, long size, boolean writable, List<Unicorn.UnHook> hooks) {
        long end() {
            return address + size;
        }
    }

    /** The first thing that went wrong in a call. */
    private record Fault(EmulatorException.Kind kind, long pc, long address, int size, String what) { }

    private Emulator(LinkedImage image) {
        this.image = image;
        this.byAddress = image == null ? List.of() : image.symbols().stream()
                .filter(s -> s.type() != ModuleSymbol.Type.SECTION && s.section() != null)
                .sorted(Comparator.comparingLong(LinkedSymbol::value))
                .toList();
        uc = new Unicorn(UnicornConst.UC_ARCH_ARM64, UnicornConst.UC_MODE_ARM);
        uc.reg_write(Arm64Const.UC_ARM64_REG_CPACR_EL1, 3L << 20); // FP/SIMD usable, as a kernel enables it
        uc.hook_add_new((CodeHook) (u, address, size, user) -> {
            lastPc = address;
            if (histogram != null) histogram.computeIfAbsent(address, k -> new long[1])[0]++;
            if (++count > limit) stop(new Fault(EmulatorException.Kind.LIMIT, address, 0, 0,
                    "instruction limit " + limit + " reached"));
        }, 1, 0, null);
        hookInvalid(UnicornConst.UC_HOOK_MEM_READ_UNMAPPED, EmulatorException.Kind.READ, "unmapped");
        hookInvalid(UnicornConst.UC_HOOK_MEM_WRITE_UNMAPPED, EmulatorException.Kind.WRITE, "unmapped");
        hookInvalid(UnicornConst.UC_HOOK_MEM_FETCH_UNMAPPED, EmulatorException.Kind.FETCH, "unmapped");
        hookInvalid(UnicornConst.UC_HOOK_MEM_READ_PROT, EmulatorException.Kind.READ, "not readable");
        hookInvalid(UnicornConst.UC_HOOK_MEM_WRITE_PROT, EmulatorException.Kind.WRITE, "read-only memory");
        hookInvalid(UnicornConst.UC_HOOK_MEM_FETCH_PROT, EmulatorException.Kind.FETCH, "not executable");
        uc.hook_add_new((InterruptHook) (u, intno, user) -> stop(new Fault(EmulatorException.Kind.EXCEPTION,
                lastPc, 0, 0, "exception " + intno + " (" + exceptionName(intno) + ")")), null);
        mapPages(STACK_TOP - STACK_SIZE, STACK_SIZE, R | W);
        // Unicorn fetches the return address before it notices the end of the run: give it a brk to fetch
        mapPages(RETURN_ADDRESS, PAGE, R | X);
        uc.mem_write(RETURN_ADDRESS, new byte[] {0x00, 0x00, 0x20, (byte) 0xd4});
        mapUart(DEFAULT_UART_BASE);
        if (image != null) loadSections(image);
    }

    // ---- creating --------------------------------------------------------------------------------------------

    /** An emulator with nothing loaded (map and write code yourself, call it by address). */
    public static Emulator empty() {
        return new Emulator(null);
    }

    /** An emulator running {@code image} (each allocated section at its virtual address). */
    public static Emulator load(LinkedImage image) {
        return new Emulator(image);
    }

    /**
     * Links {@code modules} with imagegen at {@code base} (see {@link #linkScript}) and loads the result.
     * Symbols the modules need but do not define may be given in {@code defsyms} (e.g. {@code __hh_offset}).
     */
    public static Emulator link(List<Module> modules, long base, Map<String, Long> defsyms) {
        LinkedImage image = new Linker(Parser.parse("<emulator>", linkScript(base)))
                .defsyms(defsyms).link("emulator", modules);
        return load(image);
    }

    public static Emulator link(List<Module> modules, long base) {
        return link(modules, base, Map.of());
    }

    /**
     * The link script {@link #link} uses: .text, .rodata, .data and .bss from {@code base} on, each starting
     * on its own page so that each gets its own permissions; any other section is placed after them.
     */
    public static String linkScript(long base) {
        return "SECTIONS\n{\n"
                + "    . = 0x" + Long.toHexString(base) + ";\n"
                + "    .text : ALIGN(4096) { *(.text) *(.text.*) }\n"
                + "    .rodata : ALIGN(4096) { *(.rodata) *(.rodata.*) }\n"
                + "    .data : ALIGN(4096) { *(.data) *(.data.*) }\n"
                + "    .bss : ALIGN(4096) { *(.bss) *(.bss.*) }\n"
                + "}\n";
    }

    private void loadSections(LinkedImage image) {
        TreeMap<Long, Integer> want = new TreeMap<>();
        for (OutputSection s : image.allocatedSections()) {
            int perms = (s.flags() & ModuleSection.EXEC) != 0 ? R | X
                    : (s.flags() & ModuleSection.WRITE) != 0 ? R | W : R;
            for (long p = pageDown(s.vma()); Long.compareUnsigned(p, s.vmaEnd()) < 0; p += PAGE)
                want.merge(p, perms, (x, y) -> x | y);
        }
        // one mapping per run of contiguous pages with equal permissions
        Long runStart = null;
        long runEnd = 0;
        int runPerms = 0;
        for (Map.Entry<Long, Integer> e : want.entrySet()) {
            if (runStart != null && e.getKey() == runEnd && e.getValue() == runPerms) {
                runEnd += PAGE;
                continue;
            }
            if (runStart != null) mapPages(runStart, runEnd - runStart, runPerms);
            runStart = e.getKey();
            runEnd = runStart + PAGE;
            runPerms = e.getValue();
        }
        if (runStart != null) mapPages(runStart, runEnd - runStart, runPerms);
        for (OutputSection s : image.sections())
            if (s.isLoaded()) uc.mem_write(s.vma(), s.bytes());
    }

    // ---- memory ----------------------------------------------------------------------------------------------

    /** Maps read-write memory covering {@code [address, address + size)} (whole pages). */
    public Emulator map(long address, long size) {
        long start = pageDown(address);
        mapPages(start, pageUp(address + size) - start, R | W);
        return this;
    }

    /**
     * Maps a buffer checked to the byte: reading or writing any byte of its pages outside
     * {@code [address, address + size)}, or writing it when not {@code writable}, fails the call. The pages
     * may be shared with other exact buffers, not with other mappings. The buffer starts zeroed.
     */
    public Emulator mapExact(String name, long address, long size, boolean writable) {
        if (size <= 0) throw new IllegalArgumentException("buffer " + name + " has size " + size);
        long start = pageDown(address), end = pageUp(address + size);
        for (long p = start; p < end; p += PAGE) {
            Integer perms = pages.get(p);
            if (perms != null && (perms & EXACT_PAGE) == 0)
                throw new IllegalArgumentException("buffer " + name + " at " + hex(address)
                        + " shares page " + hex(p) + " with a mapping that is not an exact buffer");
        }
        for (long p = start; p < end; p += PAGE)
            if (!pages.containsKey(p)) mapPages(p, PAGE, R | W | EXACT_PAGE);
        for (Buffer b : buffers)
            if (b.name.equals(name)) throw new IllegalArgumentException("buffer " + name + " is already mapped");
        uc.mem_write(address, new byte[(int) size]);
        buffers.add(new Buffer(name, address, size, writable, List.of(
                uc.hook_add_new((ReadHook) (u, addr, sz, user) -> checkExact(addr, sz, false), start, end - 1, null),
                uc.hook_add_new((WriteHook) (u, addr, sz, value, user) -> checkExact(addr, sz, true), start,
                        end - 1, null))));
        return this;
    }

    /** Removes the exact buffer {@code name} (its pages too, unless another buffer still uses them). */
    public Emulator unmapExact(String name) {
        Buffer buffer = buffers.stream().filter(b -> b.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no buffer " + name));
        buffers.remove(buffer);
        buffer.hooks.forEach(Unicorn.UnHook::unhook);
        for (long p = pageDown(buffer.address); p < pageUp(buffer.end()); p += PAGE) {
            long page = p;
            if (buffers.stream().noneMatch(b -> pageDown(b.address) <= page && page < pageUp(b.end()))) {
                uc.mem_unmap(page, PAGE);
                pages.remove(page);
            }
        }
        return this;
    }

    /** {@link #mapExact(String, long, long, boolean)} holding {@code bytes}. */
    public Emulator mapExact(String name, long address, byte[] bytes, boolean writable) {
        mapExact(name, address, bytes.length, writable);
        write(address, bytes);
        return this;
    }

    private void checkExact(long address, int size, boolean write) {
        for (Buffer b : buffers) {
            if (Long.compareUnsigned(address, b.address) >= 0 && Long.compareUnsigned(address + size, b.end()) <= 0) {
                if (write && !b.writable)
                    stop(new Fault(EmulatorException.Kind.WRITE, lastPc, address, size,
                            "in read-only buffer \"" + b.name + "\" " + range(b)));
                return;
            }
        }
        Buffer near = null;
        for (Buffer b : buffers)
            if (pageDown(b.address) <= address && address < pageUp(b.end())
                    && (near == null || Math.abs(address - b.address) < Math.abs(address - near.address))) near = b;
        String where = near == null ? "outside every buffer"
                : (Long.compareUnsigned(address, near.address) < 0 ? "before the start of" : "past the end of")
                + " buffer \"" + near.name + "\" " + range(near);
        stop(new Fault(write ? EmulatorException.Kind.WRITE : EmulatorException.Kind.READ, lastPc, address, size,
                where));
    }

    private static String range(Buffer b) {
        return "[" + hex(b.address) + ", " + hex(b.end()) + ")";
    }

    private void mapPages(long start, long size, int perms) {
        for (long p = start; p < start + size; p += PAGE)
            if (pages.containsKey(p)) throw new IllegalArgumentException("page " + hex(p) + " is already mapped");
        uc.mem_map(start, size, perms & 7);
        for (long p = start; p < start + size; p += PAGE) pages.put(p, perms);
    }

    public Emulator write(long address, byte[] bytes) {
        uc.mem_write(address, bytes);
        return this;
    }

    public byte[] read(long address, int length) {
        return uc.mem_read(address, length);
    }

    public long readLong(long address) {
        byte[] b = read(address, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return v;
    }

    public int readInt(long address) {
        byte[] b = read(address, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    public Emulator writeLong(long address, long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (value >>> (8 * i));
        return write(address, b);
    }

    /** The NUL-terminated string at {@code address} (at most 4096 bytes), as UTF-8. */
    public String readCString(long address) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 4096; i++) {
            byte c = read(address + i, 1)[0];
            if (c == 0) break;
            out.write(c);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- devices ---------------------------------------------------------------------------------------------

    /** Maps a PL011 at {@code base} (one page); what is written to its UARTDR goes to {@link #uartOutput}. */
    public Emulator mapUart(long base) {
        mapPages(base, PAGE, R | W);
        uc.hook_add_new((WriteHook) (u, addr, size, value, user) -> {
            if (addr == base) uart.append((char) (value & 0xff));
            else if (addr <= base + UART_FR && base + UART_FR < addr + size) u.mem_write(base + UART_FR, new byte[4]);
        }, base, base + PAGE - 1, null);
        return this;
    }

    /** Everything written to a UART data register so far. */
    public String uartOutput() {
        return uart.toString();
    }

    public Emulator clearUart() {
        uart.setLength(0);
        return this;
    }

    // ---- calling ---------------------------------------------------------------------------------------------

    /** The instructions a call may execute before it fails (default {@link #DEFAULT_INSTRUCTION_LIMIT}). */
    public Emulator instructionLimit(long limit) {
        this.limit = limit;
        return this;
    }

    /** Whether calls check that x19..x28 and sp come back unchanged (default on). */
    public Emulator checkAbi(boolean on) {
        this.checkAbi = on;
        return this;
    }

    /** Calls global symbol {@code symbol} with up to eight arguments in x0..x7; returns x0. */
    public long call(String symbol, long... args) {
        return call(symbol(symbol), args);
    }

    /** Calls the routine at {@code address} with up to eight arguments in x0..x7; returns x0. */
    public long call(long address, long... args) {
        if (args.length > 8) throw new IllegalArgumentException("at most 8 register arguments, got " + args.length);
        for (int i = 0; i < 8; i++) setX(i, i < args.length ? args[i] : 0);
        long[] seeds = new long[10];
        for (int i = 0; i < 10; i++) {
            seeds[i] = 0x1900_0000_0000_0000L + ((long) (19 + i) << 48) + 0x5eed_0000L + i;
            setX(19 + i, seeds[i]);
        }
        setX(29, 0);
        setX(30, RETURN_ADDRESS);
        uc.reg_write(Arm64Const.UC_ARM64_REG_SP, STACK_TOP);
        count = 0;
        fault = null;
        lastPc = address;
        try {
            uc.emu_start(address, RETURN_ADDRESS, 0, 0);
        } catch (UnicornException e) {
            if (fault == null) fault = new Fault(EmulatorException.Kind.EXCEPTION, lastPc, 0, 0,
                    "Unicorn stopped: " + e.getMessage());
        }
        if (fault != null) throw failure(fault);
        long pc = reg(Arm64Const.UC_ARM64_REG_PC);
        if (pc != RETURN_ADDRESS) throw failure(new Fault(EmulatorException.Kind.EXCEPTION, pc, 0, 0,
                "stopped at " + hex(pc) + " without returning"));
        if (checkAbi) {
            for (int i = 0; i < 10; i++)
                if (x(19 + i) != seeds[i]) throw failure(new Fault(EmulatorException.Kind.ABI, lastPc, 0, 0,
                        "x" + (19 + i) + " (callee-saved) not restored: " + hex(seeds[i]) + " became " + hex(x(19 + i))));
            long sp = reg(Arm64Const.UC_ARM64_REG_SP);
            if (sp != STACK_TOP) throw failure(new Fault(EmulatorException.Kind.ABI, lastPc, 0, 0,
                    "sp not restored: " + hex(STACK_TOP) + " became " + hex(sp)));
        }
        return x(0);
    }

    /**
     * Starts (or stops) counting instructions per address, over all calls from now on; see {@link #profile()}.
     * Off by default (it slows calls down).
     */
    public Emulator profiling(boolean on) {
        histogram = on ? new java.util.HashMap<>() : null;
        return this;
    }

    /**
     * Instructions executed per symbol since {@link #profiling(boolean) profiling} started, most first: where a
     * routine spends its instructions, by the function (nearest symbol) each instruction belongs to.
     */
    public Map<String, Long> profile() {
        if (histogram == null) throw new IllegalStateException("profiling is off");
        Map<String, Long> bySymbol = new java.util.HashMap<>();
        histogram.forEach((pc, n) -> {
            String s = symbolize(pc);
            int plus = s.indexOf('+');
            String name = s.isEmpty() ? "0x" + Long.toHexString(pc) : s.substring(1, plus < 0 ? s.length() - 1 : plus);
            bySymbol.merge(name, n[0], Long::sum);
        });
        Map<String, Long> sorted = new java.util.LinkedHashMap<>();
        bySymbol.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The instructions the last call executed (its {@code ret} included): exact and deterministic. */
    public long instructionsExecuted() {
        return count;
    }

    /** Register x{@code n} (0..30). */
    public long x(int n) {
        return reg(regId(n));
    }

    /** Sets x{@code n} (0..30) for the next call (x0..x7, x19..x30 are overwritten by {@link #call}). */
    public Emulator setX(int n, long value) {
        uc.reg_write(regId(n), value);
        return this;
    }

    private static int regId(int n) {
        if (n < 0 || n > 30) throw new IllegalArgumentException("x" + n);
        return n == 29 ? Arm64Const.UC_ARM64_REG_X29 : n == 30 ? Arm64Const.UC_ARM64_REG_X30
                : Arm64Const.UC_ARM64_REG_X0 + n;
    }

    private long reg(int id) {
        return ((Number) uc.reg_read(id)).longValue();
    }

    // ---- symbols ---------------------------------------------------------------------------------------------

    /** The address of global symbol {@code name}; an {@link IllegalArgumentException} if there is none. */
    public long symbol(String name) {
        if (image == null) throw new IllegalArgumentException("no image loaded, so no symbol " + name);
        return image.symbolValue(name);
    }

    /** The linked image, or null for {@link #empty()}. */
    public LinkedImage image() {
        return image;
    }

    /** {@code address} as {@code <symbol+0xoff>} (the nearest symbol at or below it), or "" if none. */
    public String symbolize(long address) {
        LinkedSymbol best = null;
        for (LinkedSymbol s : byAddress) {
            if (Long.compareUnsigned(s.value(), address) > 0) break;
            if (best == null || s.value() != best.value() || preferred(s, best)) best = s;
        }
        if (best == null) return "";
        long off = address - best.value();
        if (best.size() > 0 ? off >= best.size() : off >= PAGE) return "";
        return "<" + best.name() + (off == 0 ? "" : "+0x" + Long.toHexString(off)) + ">";
    }

    private static boolean preferred(LinkedSymbol s, LinkedSymbol than) {
        return s.isGlobal() && !than.isGlobal();
    }

    // ---- failures --------------------------------------------------------------------------------------------

    private void hookInvalid(int type, EmulatorException.Kind kind, String why) {
        uc.hook_add_new((EventMemHook) (u, address, size, value, user) -> {
            long pc = kind == EmulatorException.Kind.FETCH ? address : lastPc;
            String what = why;
            if (kind == EmulatorException.Kind.FETCH) what += "; jumped to from pc " + hex(lastPc) + " " + symbolize(lastPc);
            else if (!why.equals("unmapped")) what += ", " + symbolize(address);
            record(new Fault(kind, pc, address, size, what));
            return false;
        }, type, null);
    }

    private void stop(Fault f) {
        record(f);
        uc.emu_stop();
    }

    private void record(Fault f) {
        if (fault == null) fault = f;
    }

    private EmulatorException failure(Fault f) {
        String at = "pc " + hex(f.pc) + " " + symbolize(f.pc) + instructionAt(f.pc);
        String msg = switch (f.kind) {
            case READ, WRITE -> (f.kind == EmulatorException.Kind.READ ? "read of " : "write of ") + f.size
                    + (f.size == 1 ? " byte" : " bytes") + " at " + hex(f.address) + " (" + f.what + ") by " + at;
            case FETCH -> "fetch from " + hex(f.address) + " " + symbolize(f.address) + " (" + f.what + ")";
            case EXCEPTION, LIMIT, ABI -> f.what + " at " + at;
        };
        return new EmulatorException(f.kind, f.pc, f.address, msg + " after " + count + " instructions");
    }

    private String instructionAt(long pc) {
        Integer perms = pages.get(pageDown(pc));
        if (perms == null) return "";
        try {
            byte[] b = uc.mem_read(pc, 4);
            int word = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
            if (disassembler == null) disassembler = new Disassembler();
            return ": " + disassembler.disassemble(word, pc, a -> {
                String s = symbolize(a);
                return s.isEmpty() ? null : s.substring(1, s.length() - 1);
            });
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String exceptionName(int intno) {
        // QEMU's EXCP_* numbers for Arm
        return switch (intno) {
            case 1 -> "undefined instruction";
            case 2 -> "svc";
            case 3 -> "prefetch abort";
            case 4 -> "data abort";
            case 7 -> "brk";
            case 8 -> "exception exit";
            case 11 -> "hvc";
            case 12 -> "hyp trap";
            case 13 -> "smc";
            default -> "EXCP_" + intno;
        };
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static long pageDown(long a) {
        return a & -PAGE;
    }

    private static long pageUp(long a) {
        return (a + PAGE - 1) & -PAGE;
    }

    @Override
    public void close() {
        uc.closeAll();
    }
}
