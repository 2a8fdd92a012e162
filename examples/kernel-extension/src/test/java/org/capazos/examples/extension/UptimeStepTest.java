package org.capazos.examples.extension;

import org.capazos.harness.QemuLauncher;
import org.capazos.harness.QemuTest;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The extended kernel boots, runs the new step between the kernel banner and idle, and reports real values. */
class UptimeStepTest {
    private static final Duration BOOT = Duration.ofSeconds(60);

    @QemuTest
    void theStepRunsBeforeIdle(QemuLauncher qemu) {
        try (RunningMachine vm = VirtMachine.builder().kernel(Path.of("target/image/kernel.img")).memory("128M").boot(qemu)) {
            vm.awaitLine("^CapazOS kernel", BOOT);
            String timer = vm.awaitLine("^" + UptimeStep.PREFIX + "timer", BOOT);
            Matcher hz = Pattern.compile("timer ticks at (\\d+) Hz").matcher(timer);
            assertTrue(hz.find(), timer);
            assertTrue(Long.parseLong(hz.group(1)) > 1_000_000, "QEMU's generic timer runs at MHz rates: " + timer);
            // QEMU virt with 128M puts the device tree at the end of the first half of RAM
            assertEquals(UptimeStep.PREFIX + "device tree at 0x44000000", vm.awaitLine("device tree at", BOOT));
            vm.awaitLine("^kmain: idle$", BOOT);
        }
    }
}
