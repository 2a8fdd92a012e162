package org.capazos.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** QEMU's command line built from a {@link VirtMachine}; no QEMU needed. */
class VirtMachineTest {

    @Test
    void defaultsAreThoseOfTheReferenceRunScript() {
        VirtMachine machine = VirtMachine.builder().kernel(Path.of("build/kernel.img")).build();
        assertEquals(List.of("-M", "virt", "-cpu", "cortex-a72", "-m", "512M", "-smp", "1",
                "-nographic", "-serial", "stdio", "-monitor", "none", "-nic", "none",
                "-kernel", "/guest/kernel.img"), machine.qemuArguments(p -> "/guest/" + p.getFileName()));
    }

    @Test
    void everyOptionAndEveryLoadedFileIsPassed() {
        VirtMachine machine = VirtMachine.builder()
                .cpu("cortex-a53").memory("1G").smp(4)
                .machineOption("virtualization=on").machineOption("gic-version=3")
                .kernel(Path.of("k.img")).dtb(Path.of("board.dtb"))
                .device("loader,file=boot.img,addr=0x40000000,force-raw=on")
                .loader(Path.of("dir,with,commas/data.bin"), 0x4100_0000L)
                .gdbPort(1234).haltAtStart(true).semihosting(true)
                .arguments("-d", "int")
                .build();
        assertEquals(Set.of(Path.of("k.img"), Path.of("board.dtb"), Path.of("boot.img"),
                Path.of("dir,with,commas/data.bin")), machine.files());
        assertEquals(List.of("-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a53", "-m", "1G",
                "-smp", "4", "-nographic", "-serial", "stdio", "-monitor", "none", "-nic", "none",
                "-semihosting-config", "enable=on,target=native",
                "-kernel", "/g/k.img", "-dtb", "/g/board.dtb",
                "-device", "loader,file=/g/boot.img,addr=0x40000000,force-raw=on",
                "-device", "loader,file=/g/dir,,with,,commas/data.bin,addr=0x41000000,force-raw=on",
                "-gdb", "tcp::1234", "-S", "-d", "int"), machine.qemuArguments(p -> "/g/" + p));
    }
}
