package org.capazos.examples.mixed;

import org.capazos.harness.QemuLauncher;
import org.capazos.harness.QemuTest;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pasted routines and the builder code work together: the line holds the word's bytes and its length. */
class MixedImageTest {
    @QemuTest
    void pastedRoutinesComputeTheRightValues(QemuLauncher qemu) {
        byte[] w = MixedImage.WORD.getBytes(StandardCharsets.US_ASCII);
        long first8 = 0;
        for (int i = 7; i >= 0; i--) first8 = first8 << 8 | (w[i] & 0xff);
        String expected = String.format("%016x %016x", first8, (long) w.length);
        try (RunningMachine vm = VirtMachine.builder().kernel(Path.of("target/image/kernel.img")).memory("128M").boot(qemu)) {
            assertEquals(expected, vm.awaitLine("^[0-9a-f]{16} ", Duration.ofSeconds(30)));
            assertEquals(0, vm.awaitExit(Duration.ofSeconds(30)));
        }
    }
}
