package org.capazos.kernel;

import org.capazos.harness.Provisioner;
import org.capazos.harness.QemuLauncher;
import org.capazos.harness.QemuTest;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;
import org.capazos.imagegen.ImageBuild;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** gdb-multiarch, in batch mode, stops the kernel at kmain by symbol through QEMU's gdb stub, then lets it go. */
class GdbTest {
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @QemuTest
    void breaksAtKmainBySymbolAndContinues(QemuLauncher qemu) throws Exception {
        boolean haveGdb = Provisioner.ensure("gdb-multiarch", "gdb-multiarch");
        if (!haveGdb) System.err.println("GDB TEST SKIPPED: no gdb-multiarch on PATH; install gdb-multiarch");
        assumeTrue(haveGdb, "gdb-multiarch is not installed");
        ImageBuild.Result build = KernelImages.build(BuildSwitches.DEFAULT);
        Path kernelElf = build.files().get("kernel.elf"), bootElf = build.files().get("boot.elf");
        int port = freePort();
        try (RunningMachine vm = VirtMachine.builder().kernel(build.files().get("kernel.img")).gdbPort(port)
                .haltAtStart(true).timeout(Duration.ofSeconds(120)).boot(qemu)) {
            Process gdb = new ProcessBuilder(List.of("gdb-multiarch", "-nx", "-batch",
                    "-ex", "set confirm off",
                    "-ex", "file " + bootElf,
                    "-ex", "add-symbol-file " + kernelElf,
                    "-ex", "target remote 127.0.0.1:" + port,
                    "-ex", "break kmain",
                    "-ex", "continue",
                    "-ex", "info symbol $pc",
                    "-ex", "detach"))
                    .redirectErrorStream(true).start();
            assertTrue(gdb.waitFor(60, TimeUnit.SECONDS), "gdb did not finish");
            String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("Breakpoint 1, ") && out.contains("kmain"), out);
            long kmain = build.kernel().symbolValue("kmain");
            assertTrue(out.contains("kmain in section .text"), "pc is in kmain:\n" + out);
            assertTrue(out.toLowerCase().contains(Long.toHexString(kmain)), "breakpoint address 0x"
                    + Long.toHexString(kmain) + ":\n" + out);
            // before the break the kernel banner was not printed yet; after detach it runs on to idle
            vm.awaitLine("^kmain: idle$", Duration.ofSeconds(60));
        }
    }
}
