package org.capazos.kernel;

import org.capazos.harness.QemuLauncher;
import org.capazos.harness.QemuTest;
import org.capazos.harness.RunningMachine;
import org.capazos.harness.VirtMachine;
import org.capazos.imagegen.ImageBuild;
import org.capazos.kernel.kernel.Kmain;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** CapazOS booted in QEMU virt: the serial output contract of the kernel issue, on each backend. */
class KernelBootTest {
    private static final Duration BOOT = Duration.ofSeconds(60);

    private static RunningMachine boot(QemuLauncher qemu, BuildSwitches switches, String cpu, String memory,
                                       int smp, String machineOption) {
        VirtMachine.Builder b = VirtMachine.builder().kernel(KernelImages.image(switches)).cpu(cpu).memory(memory)
                .smp(smp).timeout(Duration.ofSeconds(120));
        if (machineOption != null) b.machineOption(machineOption);
        return b.boot(qemu);
    }

    /** The contract's first lines: the boot banner, where we came from, the kernel banner. */
    private static void expectBanners(RunningMachine vm, int el, String dtbAddress) {
        ImageBuild.Result build = KernelImages.build(BuildSwitches.DEFAULT);
        assertEquals("CapazOS boot " + CapazOS.VERSION, vm.awaitLine("^CapazOS boot", BOOT));
        String where = vm.awaitLine("^boot: entered at", BOOT);
        Matcher m = Pattern.compile("boot: entered at EL(\\d), DTB at (0x[0-9a-f]+), kernel at (0x[0-9a-f]+)").matcher(where);
        assertTrue(m.matches(), where);
        assertEquals(el, Integer.parseInt(m.group(1)), where);
        assertEquals(dtbAddress, m.group(2), where);
        assertEquals(build.layout().defsyms().get("__kernel_phys_base"), Long.decode(m.group(3)), where);
        assertEquals("CapazOS kernel " + CapazOS.VERSION, vm.awaitLine("^CapazOS kernel", BOOT));
    }

    @QemuTest
    void defaultMachineBootsToIdle(QemuLauncher qemu) {
        try (RunningMachine vm = boot(qemu, BuildSwitches.DEFAULT, "cortex-a72", "512M", 1, null)) {
            expectBanners(vm, 1, "0x48000000");
            // page tables grown from the PMM: the demo VA's level-0 entry is not the direct map's, so the
            // mapping needs new level-1, -2 and -3 tables, plus the page itself
            String vmm = vm.awaitLine("^kmain: VMM:", BOOT);
            long va = Kmain.VMM_DEMO_VA;
            boolean ownL0Entry = ((va >>> 39) & 511) != ((0xffff_0000_4000_0000L >>> 39) & 511);
            int expected = 1 + (ownL0Entry ? 3 : 2);
            assertTrue(vmm.contains(String.format("mapped at 0x%x, %d pages from the PMM", va, expected)), vmm);
            long pa = Long.decode(vmm.replaceAll(".*page (0x[0-9a-f]+) .*", "$1"));
            boolean inUsable = vm.lines().stream().filter(l -> l.startsWith("PMM: usable")).map(KernelBootTest::range)
                    .anyMatch(r -> pa >= r[0] && pa < r[1]);
            assertTrue(inUsable, "the page came from a usable span: " + vmm);
            vm.awaitLine("^kmain: idle$", BOOT);
            assertFalse(vm.log().contains("EXCEPTION") || vm.log().contains("PANIC"), vm.log());
        }
    }

    @QemuTest
    void enteredAtEl2DropsToEl1(QemuLauncher qemu) {
        try (RunningMachine vm = boot(qemu, BuildSwitches.DEFAULT, "cortex-a72", "512M", 1, "virtualization=on")) {
            expectBanners(vm, 2, "0x48000000");
            vm.awaitLine("^kmain: idle$", BOOT);
        }
    }

    @QemuTest
    void otherCpusAndSecondaryCores(QemuLauncher qemu) {
        for (String cpu : new String[] {"cortex-a53", "cortex-a57", "max"}) {
            try (RunningMachine vm = boot(qemu, BuildSwitches.DEFAULT, cpu, "128M", 4, null)) {
                expectBanners(vm, 1, "0x44000000");
                vm.awaitLine("^kmain: idle$", BOOT);
                assertFalse(vm.log().contains("EXCEPTION"), cpu + ":\n" + vm.log());
            }
        }
    }

    private static final Pattern RANGE = Pattern.compile("0x([0-9a-f]+)-0x([0-9a-f]+)");

    private static long[] range(String line) {
        Matcher m = RANGE.matcher(line);
        assertTrue(m.find(), line);
        return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
    }

    /**
     * QEMU virt's RAM starts at 1 GiB; the kernel reports exactly the size it was given, and the PMM's total is
     * what the test computes itself: the RAM's pages minus every reported reservation, page-aligned outwards.
     */
    @QemuTest
    void ramSizesAndPmmTotals(QemuLauncher qemu) {
        for (String memory : new String[] {"128M", "512M", "1G", "3G", "8G"}) {
            long bytes = Long.parseLong(memory.substring(0, memory.length() - 1))
                    << (memory.endsWith("G") ? 30 : 20);
            try (RunningMachine vm = boot(qemu, BuildSwitches.DEFAULT, "cortex-a72", memory, 1, null)) {
                String line = vm.awaitLine("^DTB: memory", BOOT);
                assertEquals(String.format("DTB: memory 0x%x-0x%x", 0x4000_0000L, 0x4000_0000L + bytes), line, memory);
                String totals = vm.awaitLine("^PMM\\(free/total\\)", BOOT);
                vm.awaitLine("^kmain: idle$", BOOT);
                assertFalse(vm.log().contains("EXCEPTION"), memory + ":\n" + vm.log());

                java.util.TreeSet<Long> reservedPages = new java.util.TreeSet<>();
                long usablePages = 0;
                for (String l : vm.lines()) {
                    if (l.startsWith("DTB: reserved") || l.startsWith("PMM: reserved")) {
                        long[] r = range(l);
                        for (long p = r[0] & ~0xfffL; p < r[1]; p += 0x1000) reservedPages.add(p);
                    }
                    if (l.startsWith("PMM: usable")) {
                        long[] r = range(l);
                        usablePages += (r[1] - r[0]) >> 12;
                    }
                }
                long ramPages = bytes >> 12;
                long reservedInRam = reservedPages.stream().filter(p -> p >= 0x4000_0000L && p < 0x4000_0000L + bytes).count();
                long expected = ramPages - reservedInRam;
                // kmain has taken a page and its tables for the VMM step by the time it prints the counters
                long vmmPages = Long.parseLong(vm.lines().stream().filter(l -> l.startsWith("kmain: VMM:")).findFirst()
                        .orElseThrow().replaceAll(".*, (\\d+) pages from the PMM.*", "$1"));
                assertEquals("PMM(free/total): " + (expected - vmmPages) + "/" + expected, totals, memory + ":\n" + vm.log());
                assertEquals(expected, usablePages, "the usable spans add up to the total");
            }
        }
    }

    /** KMAIN_DEBUG=1: the PMM self-test runs, and the counters come back to where they started. */
    @QemuTest
    void kmainDebugSelfTestReturnsTheCounters(QemuLauncher qemu) {
        try (RunningMachine vm = boot(qemu, new BuildSwitches(true, false), "cortex-a72", "512M", 1, null)) {
            vm.awaitLine("^PMM: self-test passed$", BOOT);
            vm.awaitLine("^kmain: idle$", BOOT);
            java.util.List<String> counters = vm.lines().stream().filter(l -> l.startsWith("PMM(free/total)")).toList();
            assertTrue(counters.size() >= 4, vm.log());
            assertEquals(counters.get(0), counters.get(counters.size() - 1), "start and end counters");
            assertTrue(counters.stream().anyMatch(l -> !l.equals(counters.get(0))), "the cycles move the counters");
            assertTrue(vm.log().contains("PMM: double free of page"), "the double free is detected");
        }
    }

    @QemuTest
    void faultTestShowsTheExceptionReport(QemuLauncher qemu) {
        try (RunningMachine vm = boot(qemu, new BuildSwitches(false, true), "cortex-a72", "512M", 1, null)) {
            String line = vm.awaitLine("^EXCEPTION:", BOOT);
            assertTrue(line.startsWith("EXCEPTION: Data abort (same EL)"), line);
            assertTrue(line.contains(String.format("FAR=0x%x", Kmain.FAULT_TEST_ADDRESS)), line);
            Matcher esr = Pattern.compile("ESR=0x([0-9a-f]+)").matcher(line);
            assertTrue(esr.find(), line);
            assertEquals(0x25, Long.parseLong(esr.group(1), 16) >>> 26, "ESR.EC: data abort from the same EL");
            assertFalse(vm.log().contains("kmain: idle"), "the kernel halts after the report");
            // ELR is named by the nearest function symbol, and the offset matches the linked address
            Matcher elr = Pattern.compile("ELR=0x([0-9a-f]+) <kmain\\+0x([0-9a-f]+)>").matcher(line);
            assertTrue(elr.find(), line);
            long kmain = KernelImages.build(new BuildSwitches(false, true)).kernel().symbolValue("kmain");
            assertEquals(Long.parseUnsignedLong(elr.group(1), 16) - kmain, Long.parseLong(elr.group(2), 16), line);
        }
    }
}
