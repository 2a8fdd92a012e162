package org.capazos.kernel.fdt;

import org.capazos.dsl.MacroAssembler;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Struct;
import org.capazos.harness.emu.Emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code fdt_parse} in the emulator. The blob is mapped byte-exactly and read-only, the platform_info
 * byte-exactly and writable: any read outside the blob's bytes, or any write outside the platform_info (or
 * to the blob), fails with an {@link org.capazos.harness.emu.EmulatorException}.
 */
final class FdtRunner implements AutoCloseable {
    static final long CODE_BASE = 0x4008_0000L;
    /** Where blobs go (8-aligned; {@link #parse(byte[], long)} may offset them to test alignment). */
    static final long DTB_BASE = 0x4800_0000L;
    static final long INFO_BASE = 0x4f00_0000L;

    /** The outcome of one fdt_parse: its reason (null for success), what it extracted, what it cost. */
    record Outcome(String reason, FdtReference.Extracted extracted, long instructions) { }

    final Fdt fdt;
    private final Emulator emu;

    FdtRunner() {
        this(null);
    }

    FdtRunner(Fdt.Flaw flaw) {
        ModuleBuilder mb = new ModuleBuilder("fdt");
        fdt = Fdt.emit(new MacroAssembler(mb), flaw);
        emu = Emulator.link(List.of(mb.build()), CODE_BASE);
    }

    Outcome parse(byte[] blob) {
        return parse(blob, 0);
    }

    /** Parses {@code blob} placed {@code misalign} bytes after an 8-aligned address. */
    Outcome parse(byte[] blob, long misalign) {
        long dtb = DTB_BASE + misalign;
        Struct info = PlatformInfo.LAYOUT;
        emu.mapExact("dtb", dtb, blob, false);
        emu.mapExact("platform_info", INFO_BASE, info.size(), true);
        // garbage in the platform_info, to see fdt_parse clear it
        byte[] junk = new byte[(int) info.size()];
        java.util.Arrays.fill(junk, (byte) 0xa5);
        emu.write(INFO_BASE, junk);
        try {
            long r = emu.call("fdt_parse", dtb, INFO_BASE);
            long n = emu.instructionsExecuted();
            if (r != 0) return new Outcome(emu.readCString(r), null, n);
            return new Outcome(null, read(dtb), n);
        } finally {
            emu.unmapExact("dtb");
            emu.unmapExact("platform_info");
        }
    }

    private FdtReference.Extracted read(long dtb) {
        Struct info = PlatformInfo.LAYOUT;
        long b = INFO_BASE;
        if (emu.readLong(b + info.offset("dtb_pa")) != dtb) throw new AssertionError("dtb_pa");
        List<List<Long>> memory = new ArrayList<>(), reserved = new ArrayList<>();
        long mc = emu.readLong(b + info.offset("memory_count"));
        for (int i = 0; i < mc; i++) {
            long e = b + info.offset("memory") + i * PlatformInfo.RANGE.size();
            memory.add(List.of(emu.readLong(e), emu.readLong(e + 8)));
        }
        long rc = emu.readLong(b + info.offset("reserved_count"));
        for (int i = 0; i < rc; i++) {
            long e = b + info.offset("reserved") + i * PlatformInfo.RESERVED.size();
            reserved.add(List.of(emu.readLong(e), emu.readLong(e + 8), emu.readLong(e + 16)));
        }
        long stdout = emu.readLong(b + info.offset("stdout_path"));
        return new FdtReference.Extracted(
                emu.readLong(b + info.offset("dtb_size")),
                emu.readLong(b + info.offset("version")),
                emu.readLong(b + info.offset("boot_cpuid")),
                emu.readLong(b + info.offset("address_cells")),
                emu.readLong(b + info.offset("size_cells")),
                emu.readLong(b + info.offset("uart_pa")),
                emu.readLong(b + info.offset("uart_size")),
                stdout == 0 ? null : emu.readCString(stdout),
                emu.readLong(b + info.offset("cpu_count")),
                memory, reserved);
    }

    Emulator emulator() {
        return emu;
    }

    @Override
    public void close() {
        emu.close();
    }
}
