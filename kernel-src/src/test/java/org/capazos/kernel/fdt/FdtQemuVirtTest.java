package org.capazos.kernel.fdt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * fdt_parse on QEMU virt's own device trees: the snapshots always, fresh dumps where QEMU is installed. Prints
 * the instruction count of each parse (one line per blob, "FDT-BENCH ...").
 */
class FdtQemuVirtTest {
    static final long RAM_BASE = 0x4000_0000L, UART = 0x0900_0000L;
    static FdtRunner runner;

    @BeforeAll
    static void start() {
        runner = new FdtRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static Stream<Arguments> snapshots() {
        return Stream.of(
                Arguments.of("-m 128M", QemuVirtSnapshots.VIRT_128M, 128L << 20, 1),
                Arguments.of("-m 512M", QemuVirtSnapshots.VIRT_512M, 512L << 20, 1),
                Arguments.of("-m 1G", QemuVirtSnapshots.VIRT_1G, 1L << 30, 1),
                Arguments.of("-m 3G", QemuVirtSnapshots.VIRT_3G, 3L << 30, 1),
                Arguments.of("-m 512M -smp 4", QemuVirtSnapshots.VIRT_512M_SMP4, 512L << 20, 4));
    }

    @ParameterizedTest(name = "QEMU 7.2 snapshot {0}")
    @MethodSource("snapshots")
    void snapshot(String options, String snapshot, long ram, int cpus) {
        check("snapshot " + options, QemuVirtSnapshots.blob(snapshot), ram, cpus);
    }

    static Stream<Arguments> live() {
        return Stream.of(
                Arguments.of("128M", 1, 128L << 20),
                Arguments.of("512M", 1, 512L << 20),
                Arguments.of("1G", 1, 1L << 30),
                Arguments.of("3G", 1, 3L << 30),
                Arguments.of("512M", 4, 512L << 20));
    }

    @ParameterizedTest(name = "live dumpdtb -m {0} -smp {1}")
    @MethodSource("live")
    void liveQemu(String memory, int smp, long ram) {
        Assumptions.assumeTrue(Tools.onPath("qemu-system-aarch64"), "qemu-system-aarch64 is not installed");
        check("live -m " + memory + " -smp " + smp, Tools.qemuVirtDtb(memory, smp), ram, smp);
    }

    /** Where the instructions of one parse of the 512M blob go, per routine (printed as FDT-PROFILE lines). */
    @org.junit.jupiter.api.Test
    void profile() {
        byte[] blob = QemuVirtSnapshots.blob(QemuVirtSnapshots.VIRT_512M);
        runner.emulator().profiling(true);
        long n = runner.parse(blob).instructions();
        java.util.Map<String, Long> profile = runner.emulator().profile();
        runner.emulator().profiling(false);
        assertEquals(n, profile.values().stream().mapToLong(Long::longValue).sum());
        profile.forEach((routine, count) -> System.out.println("FDT-PROFILE " + routine + ": " + count));
    }

    private static void check(String what, byte[] blob, long ram, int cpus) {
        FdtRunner.Outcome o = runner.parse(blob);
        assertNull(o.reason(), what);
        FdtReference.Extracted e = o.extracted();
        assertEquals(FdtReference.extract(blob), e, what);
        // what the kernel relies on, as known facts of the virt machine
        assertEquals(List.of(List.of(RAM_BASE, ram)), e.memory(), what);
        assertEquals(UART, e.uartPa(), what);
        assertEquals(0x1000, e.uartSize(), what);
        assertEquals("/pl011@9000000", e.stdoutPath(), what);
        assertEquals(cpus, e.cpuCount(), what);
        assertEquals(2, e.addressCells());
        assertEquals(2, e.sizeCells());
        assertEquals(blob.length, e.dtbSize());
        System.out.println("FDT-BENCH fdt_parse QEMU virt " + what + ": " + o.instructions() + " instructions");
        // deterministic: the same blob costs the same
        assertEquals(o.instructions(), runner.parse(blob).instructions());
    }
}
