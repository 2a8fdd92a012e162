package org.capazos.kernel.bench;

import org.capazos.harness.Backend;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;
import org.capazos.kernel.BuildSwitches;
import org.capazos.kernel.KernelImages;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Wall time from launching QEMU to the kernel's {@code kmain: idle} line, on each available backend: the
 * median and spread of N boots (default 11; {@code -Dboots=N}). Not a test: run it with
 * {@code mvn -q -pl kernel-src test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.capazos.kernel.bench.BootTimeBench}.
 */
public final class BootTimeBench {
    private BootTimeBench() { }

    public static void main(String[] args) {
        int boots = Integer.getInteger("boots", 11);
        Path image = KernelImages.image(BuildSwitches.DEFAULT);
        for (Backend backend : Backend.values()) {
            if (!backend.isAvailable()) {
                System.out.println(backend + ": not available (" + backend.unavailableReason().orElse("") + ")");
                continue;
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < boots + 1; i++) {
                long t0 = System.nanoTime();
                try (RunningMachine vm = VirtMachine.builder().kernel(image).boot(backend.launcher())) {
                    vm.awaitLine("^kmain: idle$", Duration.ofSeconds(60));
                    double t = (System.nanoTime() - t0) / 1e6;
                    if (i > 0) ms.add(t); // the first boot warms up (container image build, page cache)
                }
            }
            Collections.sort(ms);
            System.out.printf("%s: launch to 'kmain: idle', %d boots: median %.0f ms (min %.0f, max %.0f)%n",
                    backend, boots, ms.get(ms.size() / 2), ms.get(0), ms.get(ms.size() - 1));
        }
        System.exit(0); // Testcontainers leaves non-daemon threads behind
    }
}
