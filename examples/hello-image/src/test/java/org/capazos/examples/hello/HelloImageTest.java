package org.capazos.examples.hello;

import org.capazos.harness.QemuLauncher;
import org.capazos.harness.QemuTest;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The image the plugin built (target/image/kernel.img) greets and powers off. */
class HelloImageTest {
    @QemuTest
    void greetsAndPowersOff(QemuLauncher qemu) {
        Path image = Path.of("target/image/kernel.img");
        try (RunningMachine vm = VirtMachine.builder().kernel(image).memory("128M").boot(qemu)) {
            assertEquals(HelloImage.GREETING, vm.awaitLine("^hello", Duration.ofSeconds(30)));
            assertEquals(0, vm.awaitExit(Duration.ofSeconds(30)), "PSCI SYSTEM_OFF ends QEMU with status 0");
        }
    }
}
