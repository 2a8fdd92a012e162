package org.capazos.harness;

import static org.capazos.harness.TestKernels.Ending.HANG;
import static org.capazos.harness.TestKernels.Ending.PSCI_OFF_HVC;
import static org.capazos.harness.TestKernels.Ending.PSCI_OFF_SMC;
import static org.capazos.harness.TestKernels.Ending.SEMIHOSTING_EXIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/** The launcher API, run on each backend chosen by {@code capaz.qemu} (this module's default: all). */
class QemuBackendsTest {

    private static final Duration BOOT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @QemuTest
    void kernelThatPrintsTheExpectedLinePasses(QemuLauncher qemu) {
        Path kernel = TestKernels.write(dir, "hello.img", "booting\r\nhello from capaz\nbye\n", PSCI_OFF_HVC);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).boot(qemu)) {
            assertEquals("hello from capaz", vm.awaitLine(Pattern.compile("hello from"), BOOT));
            assertEquals("bye", vm.awaitLine("^b", BOOT), "awaitLine searches after the previous match");
            assertEquals(0, vm.awaitExit(BOOT), "PSCI SYSTEM_OFF exits QEMU with 0");
            assertEquals(List.of("booting", "hello from capaz", "bye"), vm.lines());
            assertEquals("booting\nhello from capaz\nbye\n", vm.log());
            assertTrue(!vm.isRunning());
        }
    }

    @QemuTest
    void aKernelReportingAnExceptionOrAPanicFailsAtOnce(QemuLauncher qemu) {
        for (String distress : new String[] {"EXCEPTION: Data abort (same EL) ESR=0x96000004", "PANIC: out of memory"}) {
            Path kernel = TestKernels.write(dir, "distress.img", "booting\n" + distress + "\n", HANG);
            try (RunningMachine vm = VirtMachine.builder().kernel(kernel).boot(qemu)) {
                long start = System.nanoTime();
                AssertionError failure = assertThrows(AssertionError.class,
                        () -> vm.awaitLine(Pattern.compile("kernel ready"), Duration.ofSeconds(30)));
                long waitedMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waitedMillis < 15_000, "failed at once, not after the timeout: " + waitedMillis + " ms");
                assertTrue(failure.getMessage().contains("the kernel reported \"" + distress + "\""), failure.getMessage());
                assertTrue(failure.getMessage().contains("booting\n" + distress), "the log is attached");
            }
            try (RunningMachine vm = VirtMachine.builder().kernel(kernel).boot(qemu)) {
                assertEquals(distress, vm.awaitLine("^" + distress.substring(0, 6), BOOT), "awaiting the report itself works");
            }
        }
    }

    @QemuTest
    void missingLineFailsWithinItsTimeoutShowingTheLog(QemuLauncher qemu) {
        Path kernel = TestKernels.write(dir, "stuck.img", "early boot\nstuck here\n", HANG);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).boot(qemu)) {
            vm.awaitLine("stuck here", BOOT);
            long start = System.nanoTime();
            AssertionError failure = assertThrows(AssertionError.class,
                    () -> vm.awaitLine(Pattern.compile("kernel ready"), Duration.ofSeconds(2)));
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 1_900 && waitedMillis < 10_000, "waited " + waitedMillis + " ms");
            String message = failure.getMessage();
            assertTrue(message.contains("no serial line matching /kernel ready/ within 2 s"), message);
            assertTrue(message.contains("early boot\nstuck here\n"), message);
            assertTrue(message.contains("[" + qemu.backend() + "]"), message);
        }
    }

    @QemuTest
    void waitingForALineEndsWhenQemuExits(QemuLauncher qemu) {
        Path kernel = TestKernels.write(dir, "short.img", "only line\n", PSCI_OFF_HVC);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).boot(qemu)) {
            long start = System.nanoTime();
            AssertionError failure = assertThrows(AssertionError.class, () -> vm.awaitLine("never printed", BOOT));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "did not wait for the timeout");
            assertTrue(failure.getMessage().contains("exited with status 0 before printing a line matching /never printed/"),
                    failure.getMessage());
            assertTrue(failure.getMessage().contains("only line"), failure.getMessage());
        }
    }

    @QemuTest
    void semihostingExitStatusesRoundTripFromParallelBoots(QemuLauncher qemu) {
        Map<Integer, RunningMachine> machines = new LinkedHashMap<>();
        List<Thread> boots = new ArrayList<>();
        // A machine that never exits must not hold up noticing that the others did.
        RunningMachine spinning = VirtMachine.builder()
                .kernel(TestKernels.write(dir, "spin.img", "spinning\n", HANG)).boot(qemu);
        for (int status : new int[] {0, 1, 42, 255}) {
            Path kernel = TestKernels.write(dir, "exit" + status + ".img", "exiting with " + status + "\n",
                    SEMIHOSTING_EXIT, status);
            Thread boot = new Thread(() -> {
                RunningMachine vm = VirtMachine.builder().kernel(kernel).semihosting(true).boot(qemu);
                synchronized (machines) {
                    machines.put(status, vm);
                }
            });
            boot.start();
            boots.add(boot);
        }
        try {
            for (Thread boot : boots) {
                boot.join();
            }
            assertEquals(4, machines.size(), "every parallel boot started");
            machines.forEach((status, vm) -> {
                assertEquals(status, vm.awaitExit(BOOT), vm.log());
                assertEquals(List.of("exiting with " + status), vm.lines());
            });
            assertTrue(spinning.isRunning());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            machines.values().forEach(RunningMachine::close);
            spinning.close();
        }
    }

    @QemuTest
    void psciOffThroughSmcAtEl2ExitsWithZero(QemuLauncher qemu) {
        Path kernel = TestKernels.write(dir, "el2.img", "at EL2\n", PSCI_OFF_SMC);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).machineOption("virtualization=on")
                .cpu("cortex-a53").memory("256M").smp(2).boot(qemu)) {
            vm.awaitLine("at EL2", BOOT);
            assertEquals(0, vm.awaitExit(BOOT));
        }
    }

    @QemuTest
    void awaitExitFailsWhileTheKernelRunsOrWhenItWasKilled(QemuLauncher qemu) {
        Path kernel = TestKernels.write(dir, "spin.img", "spinning\n", HANG);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).boot(qemu)) {
            vm.awaitLine("spinning", BOOT);
            AssertionError failure = assertThrows(AssertionError.class, () -> vm.awaitExit(Duration.ofMillis(500)));
            assertTrue(failure.getMessage().contains("still running after 500 ms"), failure.getMessage());
            assertTrue(failure.getMessage().contains("spinning"), failure.getMessage());
            assertTrue(vm.isRunning());
            vm.close();
            assertTrue(!vm.isRunning());
            failure = assertThrows(AssertionError.class, () -> vm.awaitExit(BOOT));
            assertTrue(failure.getMessage().contains("was killed by close()"), failure.getMessage());
        }
    }

    @QemuTest
    void machineIsKilledAfterItsTimeout(QemuLauncher qemu) {
        Path kernel = TestKernels.write(dir, "forever.img", "forever\n", HANG);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).timeout(Duration.ofSeconds(3)).boot(qemu)) {
            AssertionError failure = assertThrows(AssertionError.class, () -> vm.awaitExit(BOOT));
            assertTrue(failure.getMessage().contains("killed after its timeout of 3 s"), failure.getMessage());
            assertTrue(!vm.isRunning());
        }
    }

    @QemuTest
    void loaderDevicesAndQemuErrorsAreVisible(QemuLauncher qemu) {
        // No -kernel: the image is put in RAM by a loader device and the CPU started there by another
        // (above the DTB that QEMU then places at the start of RAM).
        Path blob = TestKernels.write(dir, "blob, with comma.bin", "loaded by a loader device\n", PSCI_OFF_HVC);
        try (RunningMachine vm = VirtMachine.builder().loader(blob, 0x4020_0000L)
                .device("loader,addr=0x40200000,cpu-num=0").boot(qemu)) {
            vm.awaitLine("loaded by a loader device", BOOT);
            assertEquals(0, vm.awaitExit(BOOT));
        }
        Path kernel = TestKernels.write(dir, "any.img", "unused\n", PSCI_OFF_HVC);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).cpu("no-such-cpu").boot(qemu)) {
            assertEquals(1, vm.awaitExit(BOOT));
            assertTrue(vm.qemuMessages().contains("no-such-cpu"), vm.qemuMessages());
            assertEquals("", vm.log());
        }
        assertThrows(IllegalArgumentException.class,
                () -> VirtMachine.builder().kernel(dir.resolve("missing.img")).boot(qemu));
    }

    @QemuTest
    void gdbStubHoldsTheCpuUntilContinued(QemuLauncher qemu) throws IOException {
        Path kernel = TestKernels.write(dir, "debugged.img", "continued by gdb\n", PSCI_OFF_HVC);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).gdbPort(port).haltAtStart(true).boot(qemu)) {
            assertThrows(AssertionError.class, () -> vm.awaitLine("continued", Duration.ofMillis(1500)),
                    "the CPU waits for the debugger");
            try (Socket gdb = connect(port)) {
                OutputStream out = gdb.getOutputStream();
                out.write("$c#63".getBytes(StandardCharsets.US_ASCII)); // gdb remote protocol: continue
                out.flush();
                vm.awaitLine("continued by gdb", BOOT);
                assertEquals(0, vm.awaitExit(BOOT));
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return new Socket("localhost", port);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw notYet;
                }
            }
        }
    }
}
