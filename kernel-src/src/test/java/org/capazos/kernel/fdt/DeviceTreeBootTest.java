package org.capazos.kernel.fdt;

import org.capazos.harness.Provisioner;
import org.capazos.harness.QemuLauncher;
import org.capazos.harness.QemuTest;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;
import org.capazos.imagegen.ImageBuild;
import org.capazos.kernel.BuildSwitches;
import org.capazos.kernel.KernelImages;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole kernel handed device trees QEMU would never make: the blob is loaded into RAM with a loader
 * device and x0 is set at the boot stage's entry through the gdb stub. A malformed tree must end in
 * {@code DTB: invalid: <reason>} and a clean halt, never an exception; an unusual valid one must be read right.
 */
class DeviceTreeBootTest {
    private static final long BLOB_PA = 0x4c00_0000L;
    private static final Duration BOOT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Boots with {@code blob} at BLOB_PA + misalign in x0; returns the serial log once {@code until} appears. */
    private String bootWith(QemuLauncher qemu, byte[] blob, long misalign, String until) throws Exception {
        ImageBuild.Result build = KernelImages.build(BuildSwitches.DEFAULT);
        Path file = Files.write(dir.resolve("blob-" + System.nanoTime() + ".dtb"), blob);
        long entry = build.boot().entry();
        int port = freePort();
        try (RunningMachine vm = VirtMachine.builder().kernel(build.files().get("kernel.img")).memory("512M")
                .loader(file, BLOB_PA + misalign).gdbPort(port).haltAtStart(true)
                .timeout(Duration.ofSeconds(90)).boot(qemu)) {
            Process gdb = new ProcessBuilder(List.of("gdb-multiarch", "-nx", "-batch",
                    "-ex", "target remote 127.0.0.1:" + port,
                    "-ex", String.format("break *0x%x", entry),
                    "-ex", "continue",
                    "-ex", String.format("set $x0 = 0x%x", BLOB_PA + misalign),
                    "-ex", "delete",
                    "-ex", "detach"))
                    .redirectErrorStream(true).start();
            assertTrue(gdb.waitFor(60, TimeUnit.SECONDS), "gdb did not finish");
            String gdbOut = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(gdbOut.contains("Breakpoint 1, "), "the breakpoint at the entry was hit:\n" + gdbOut);
            vm.awaitLine(until, BOOT);
            Thread.sleep(200); // anything printed after the expected line (it must not be an exception)
            return vm.log();
        }
    }

    private static void requireGdb() {
        boolean gdb = Provisioner.ensure("gdb-multiarch", "gdb-multiarch");
        if (!gdb) System.err.println("DEVICE-TREE BOOT TESTS SKIPPED: no gdb-multiarch; install gdb-multiarch");
        assumeTrue(gdb);
    }

    @QemuTest
    void malformedTreesEndInACleanHalt(QemuLauncher qemu) throws Exception {
        requireGdb();
        // one blob per distinct reason: the emulator tests run the whole corpus, this checks the whole kernel
        Map<String, FdtCorpus.Case> byReason = new LinkedHashMap<>();
        for (FdtCorpus.Case c : FdtCorpus.all()) byReason.putIfAbsent(c.reason(), c);
        List<String> failures = new ArrayList<>();
        for (FdtCorpus.Case c : byReason.values()) {
            String log = bootWith(qemu, c.blob(), c.misalign(), "^DTB: invalid:");
            if (!log.contains("DTB: invalid: " + c.reason() + "\n")) failures.add(c.name() + ": expected '" + c.reason() + "'\n" + log);
            if (log.contains("EXCEPTION") || log.contains("kmain: idle")) failures.add(c.name() + ": no clean halt\n" + log);
        }
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        System.out.println("device-tree boot: " + byReason.size() + " malformed trees (one per reason) halted cleanly");
    }

    /** A well-formed tree whose reservations cover all of RAM: nothing to manage, so a clean stop. */
    @QemuTest
    void everythingReservedEndsInACleanHalt(QemuLauncher qemu) throws Exception {
        requireGdb();
        FdtBlob b = new FdtBlob().reserve(0x4000_0000L, 0x2000_0000L)
                .begin("").cells("#address-cells", 2).cells("#size-cells", 2)
                .begin("memory@40000000").prop("device_type", "memory").reg(2, 2, 0x4000_0000L, 0x2000_0000L).end()
                .end().finish();
        String log = bootWith(qemu, b.build(), 0, "^DTB: invalid:");
        assertTrue(log.contains("DTB: reserved 0x40000000-0x60000000 (memreserve)\n"), log);
        assertTrue(log.contains("DTB: invalid: no usable memory"), log);
        assertFalse(log.contains("EXCEPTION") || log.contains("kmain: idle"), log);
    }

    @QemuTest
    void unusualValidTreesAreReadRight(QemuLauncher qemu) throws Exception {
        requireGdb();
        // NOP tokens everywhere, two memory nodes with two reg entries, an unaligned bank, reservations from
        // both sources, and a bank beyond any CPU's physical address range.
        FdtBlob b = new FdtBlob().reserve(0x4ff0_0000L, 0x2000)
                .begin("").nop().cells("#address-cells", 2).cells("#size-cells", 2)
                .begin("memory@40000000").prop("device_type", "memory").nop()
                .reg(2, 2, 0x4000_0000L, 0x1000_0000L, 0x5000_0800L, 0x0800_0000L).end()
                .begin("memory@70000000").prop("device_type", "memory")
                .reg(2, 2, 0x7000_0000L, 0x0400_0000L, 0x0100_0000_0000_0000L, 0x1000_0000L).end()
                .begin("reserved-memory").cells("#address-cells", 2).cells("#size-cells", 2).prop("ranges", new byte[0])
                .begin("fw@48800000").reg(2, 2, 0x4880_0000L, 0x10_0000L).end().end()
                .begin("chosen").prop("stdout-path", "/pl011@9000000").end()
                .begin("pl011@9000000").reg(2, 2, 0x0900_0000L, 0x1000L).end()
                .end().finish();
        String log = bootWith(qemu, b.build(), 0, "^kmain: idle$");
        for (String line : new String[] {
                "DTB: memory 0x40000000-0x50000000", "DTB: memory 0x50000800-0x58000800",
                "DTB: memory 0x70000000-0x74000000", "DTB: memory 0x100000000000000-0x100000010000000",
                "DTB: reserved 0x4ff00000-0x4ff02000 (memreserve)",
                "DTB: reserved 0x48800000-0x48900000 (reserved-memory)"})
            assertTrue(log.contains(line + "\n"), "missing '" + line + "' in\n" + log);
        assertFalse(log.contains("EXCEPTION"), log);
    }
}
