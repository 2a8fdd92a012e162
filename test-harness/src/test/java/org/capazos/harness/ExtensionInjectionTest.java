package org.capazos.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code @ExtendWith(QemuExtension.class)}: a launcher injected into constructors and ordinary tests. */
@ExtendWith(QemuExtension.class)
class ExtensionInjectionTest {

    private final QemuLauncher fromConstructor;

    ExtensionInjectionTest(QemuLauncher qemu) {
        this.fromConstructor = qemu;
    }

    @Test
    void constructorAndMethodGetTheSameRunnableLauncher(QemuLauncher qemu, @TempDir Path dir) {
        assertSame(fromConstructor, qemu);
        Path kernel = TestKernels.write(dir, "k.img", "injected\n", TestKernels.Ending.SEMIHOSTING_EXIT, 3);
        try (RunningMachine vm = VirtMachine.builder().kernel(kernel).semihosting(true).boot(qemu)) {
            vm.awaitLine("injected", Duration.ofSeconds(30));
            assertEquals(3, vm.awaitExit(Duration.ofSeconds(30)));
        }
    }
}
