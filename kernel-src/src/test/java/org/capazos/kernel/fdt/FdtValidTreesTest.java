package org.capazos.kernel.fdt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unusual but valid trees: dtc-compiled sources (where dtc is installed) and blobs written token by token.
 * Each is checked against the Java reference reader and against values the test knows.
 */
class FdtValidTreesTest {
    static FdtRunner runner;

    @BeforeAll
    static void start() {
        runner = new FdtRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static FdtReference.Extracted parse(byte[] blob) {
        FdtRunner.Outcome o = runner.parse(blob);
        assertNull(o.reason(), "fdt_parse rejected a valid blob");
        assertEquals(FdtReference.extract(blob), o.extracted(), "fdt_parse disagrees with the reference reader");
        return o.extracted();
    }

    static List<Long> r(long base, long size) {
        return List.of(base, size);
    }

    static List<Long> rsv(long base, long size, long source) {
        return List.of(base, size, source);
    }

    // ---- dtc ------------------------------------------------------------------------------------------------------

    /** Each DTS with the memory, reserved ranges, uart and cpu count fdt_parse must find. */
    static Stream<Arguments> dtsCorpus() {
        return Stream.of(
                Arguments.of("several memory nodes, several reg entries, unaligned banks, empty bank", """
                        /dts-v1/;
                        /memreserve/ 0x40000000 0x1000;
                        /memreserve/ 0x48000123 0x10;
                        / {
                            #address-cells = <2>; #size-cells = <2>;
                            chosen { stdout-path = "/uart@9000000:115200n8"; };
                            memory@40000000 { device_type = "memory";
                                reg = <0x0 0x40000000 0x0 0x10000000>, <0x0 0x60000123 0x0 0x1fff>,
                                      <0x1 0x00000000 0x0 0x0>; };
                            memory@100000000 { reg = <0x1 0x00000000 0x1 0x00000000>; device_type = "memory"; };
                            ram@200000000 { reg = <0x2 0x00000000 0x0 0x00100000>; device_type = "memory"; };
                            memory-controller@1000 { reg = <0x0 0x1000 0x0 0x100>; };
                            uart@9000000 { reg = <0x0 0x09000000 0x0 0x1000>; };
                        };
                        """, List.of(r(0x4000_0000L, 0x1000_0000L), r(0x6000_0123L, 0x1fffL),
                        r(0x1_0000_0000L, 0x1_0000_0000L), r(0x2_0000_0000L, 0x10_0000L)),
                        List.of(rsv(0x4000_0000L, 0x1000, 0), rsv(0x4800_0123L, 0x10, 0)), 0x0900_0000L, 0),
                Arguments.of("1-cell addresses and sizes", """
                        /dts-v1/;
                        / {
                            #address-cells = <1>; #size-cells = <1>;
                            cpus { #address-cells = <1>; #size-cells = <0>;
                                cpu@0 { reg = <0>; }; cpu@1 { reg = <1>; }; cpu-map { }; };
                            memory@80000000 { device_type = "memory"; reg = <0x80000000 0x08000000 0x90000000 0x1000>; };
                            chosen { stdout-path = &uart; };
                            uart: serial@10000000 { reg = <0x10000000 0x100>; };
                        };
                        """, List.of(r(0x8000_0000L, 0x0800_0000L), r(0x9000_0000L, 0x1000)), List.of(),
                        0x1000_0000L, 2),
                Arguments.of("default cells (2/1), memory named by device_type only, alias with options", """
                        /dts-v1/;
                        / {
                            aliases { serial0 = "/soc/serial@1c28000"; };
                            chosen { stdout-path = "serial0:115200n8"; };
                            dram { device_type = "memory"; reg = <0x0 0x40000000 0x20000000>; };
                            soc { #address-cells = <1>; #size-cells = <1>;
                                serial@1c28000 { reg = <0x01c28000 0x400>; }; };
                        };
                        """, List.of(r(0x4000_0000L, 0x2000_0000L)), List.of(), 0x01c2_8000L, 0),
                Arguments.of("/reserved-memory with its own cells, dynamic and nested children", """
                        /dts-v1/;
                        / {
                            #address-cells = <2>; #size-cells = <2>;
                            memory { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
                            reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
                                secmon@40000000 { reg = <0x40000000 0x200000>; no-map; };
                                pool { compatible = "shared-dma-pool"; size = <0x400000>; };
                                framebuffer@7f000000 { reg = <0x7f000000 0x800000>, <0x7e000000 0x0>;
                                    sub { reg = <0x1 0x2>; }; };
                            };
                            chosen { stdout-path = "/nowhere@0"; };
                        };
                        """, List.of(r(0x4000_0000L, 0x4000_0000L)),
                        List.of(rsv(0x4000_0000L, 0x20_0000L, 1), rsv(0x7f00_0000L, 0x80_0000L, 1)), 0L, 0),
                Arguments.of("UART under a bus with 1/1 cells named by a path of three components", """
                        /dts-v1/;
                        / {
                            #address-cells = <2>; #size-cells = <2>;
                            memory@0 { device_type = "memory"; reg = <0 0 0 0x1000000>; };
                            soc@0 { #address-cells = <2>; #size-cells = <1>; serial@1 { reg = <0 0x1 0x10>; };
                                bus@f0000000 { #address-cells = <1>; #size-cells = <1>;
                                    serial@1000 { reg = <0xf0001000 0x100>; };
                                    serial@2000 { reg = <0xf0002000 0x200>; }; }; };
                            chosen { stdout-path = "/soc@0/bus@f0000000/serial@2000"; };
                        };
                        """, List.of(r(0, 0x100_0000L)), List.of(), 0xf000_2000L, 0));
    }

    @ParameterizedTest(name = "dtc: {0}")
    @MethodSource("dtsCorpus")
    void dtcTrees(String name, String dts, List<List<Long>> memory, List<List<Long>> reserved, long uart, long cpus) {
        Assumptions.assumeTrue(Tools.onPath("dtc"), "dtc is not installed");
        for (String[] options : new String[][] {{}, {"-V", "16"}, {"-p", "4096"}, {"-a", "64"}}) {
            String what = name + " (dtc " + String.join(" ", options) + ")";
            FdtReference.Extracted e = parse(Tools.dtc(dts, options));
            assertEquals(memory, e.memory(), what);
            assertEquals(reserved, e.reserved(), what);
            assertEquals(uart, e.uartPa(), what);
            assertEquals(cpus, e.cpuCount(), what);
        }
    }

    // ---- token by token -----------------------------------------------------------------------------------------

    /** A base tree: 2/2 cells, one bank, a UART named by /chosen. */
    static FdtBlob base() {
        return new FdtBlob().begin("")
                .cells("#address-cells", 2).cells("#size-cells", 2)
                .begin("memory@40000000").prop("device_type", "memory").reg(2, 2, 0x4000_0000L, 0x2000_0000L).end()
                .begin("chosen").prop("stdout-path", "/pl011@9000000").end()
                .begin("pl011@9000000").reg(2, 2, 0x0900_0000L, 0x1000).end()
                .end().finish();
    }

    @Test
    void baseTree() {
        FdtReference.Extracted e = parse(base().build());
        assertEquals(List.of(r(0x4000_0000L, 0x2000_0000L)), e.memory());
        assertEquals(0x0900_0000L, e.uartPa());
    }

    @Test
    void nopTokensAnywhere() {
        byte[] blob = new FdtBlob().nop().nop().begin("").nop()
                .cells("#address-cells", 1).nop().cells("#size-cells", 1)
                .nop().begin("memory").nop().reg(1, 1, 0x1000, 0x2000).nop().prop("device_type", "memory").nop().end()
                .nop().nop().begin("chosen").nop().prop("stdout-path", "/u").end()
                .begin("u").nop().reg(1, 1, 0x9000, 0x10).nop().end().nop()
                .end().nop().finish().build();
        FdtReference.Extracted e = parse(blob);
        assertEquals(List.of(r(0x1000, 0x2000)), e.memory());
        assertEquals(0x9000, e.uartPa());
    }

    @Test
    void propertiesInAnyOrderAndDeviceTypeAfterReg() {
        byte[] blob = new FdtBlob().begin("")
                .prop("model", "x").cells("#size-cells", 1).cells("#address-cells", 2)
                .begin("bank1").reg(2, 1, 0x8000_0000L, 0x1000, 0x9000_0000L, 0x3000).prop("device_type", "memory").end()
                .begin("bank0").prop("device_type", "memory").reg(2, 1, 0x7000_0000L, 0x500).end()
                .begin("notmemory").prop("device_type", "memoryx").reg(2, 1, 1, 1).end()
                .begin("alsonot").prop("device_type", new byte[] {'m', 'e', 'm'}).reg(2, 1, 1, 1).end()
                .end().finish().build();
        FdtReference.Extracted e = parse(blob);
        assertEquals(List.of(r(0x8000_0000L, 0x1000), r(0x9000_0000L, 0x3000), r(0x7000_0000L, 0x500)), e.memory());
        assertEquals(0, e.uartPa());
        assertNull(e.stdoutPath());
    }

    @Test
    void limitsAreInclusive() {
        FdtBlob b = new FdtBlob();
        for (int i = 0; i < PlatformInfo.MAX_RESERVED - 1; i++) b.reserve(0x1000L * i + 0x1000, 0x10);
        b.begin("").cells("#address-cells", 1).cells("#size-cells", 1);
        long[] banks = new long[2 * PlatformInfo.MAX_MEMORY];
        for (int i = 0; i < PlatformInfo.MAX_MEMORY; i++) {
            banks[2 * i] = 0x100_0000L * (i + 1);
            banks[2 * i + 1] = 0x1000;
        }
        b.begin("memory").reg(1, 1, banks).end();
        b.begin("reserved-memory").cells("#address-cells", 1).cells("#size-cells", 1)
                .begin("r").reg(1, 1, 0x5000, 0x100).end().end();
        for (int i = 0; i < Fdt.MAX_DEPTH - 1; i++) b.begin("n" + i);  // with the root: exactly MAX_DEPTH deep
        for (int i = 0; i < Fdt.MAX_DEPTH - 1; i++) b.end();
        FdtReference.Extracted e = parse(b.end().finish().build());
        assertEquals(PlatformInfo.MAX_MEMORY, e.memory().size());
        assertEquals(PlatformInfo.MAX_RESERVED, e.reserved().size());
    }

    @Test
    void version16AndReservationsWithEmptyEntries() {
        FdtBlob b = base();
        b.version = 16;
        b.reserve(0x4000_0000L, 0);           // empty: ignored, and not the terminator
        b.reserve(0xffff_ffff_ffff_e000L, 0x2000 - 1);
        b.reserve(0, 0x1000);
        FdtReference.Extracted e = parse(b.build());
        assertEquals(16, e.version());
        assertEquals(List.of(rsv(0xffff_ffff_ffff_e000L, 0x1fff, 0), rsv(0, 0x1000, 0)), e.reserved());
    }

    @Test
    void stdoutPathVariants() {
        for (String path : new String[] {"/pl011@9000000", "/pl011@9000000:115200n8", "serial0", "serial0:9600"}) {
            byte[] blob = new FdtBlob().begin("").cells("#address-cells", 2).cells("#size-cells", 2)
                    .begin("aliases").prop("serial1", "/nothing").prop("serial0", "/pl011@9000000").end()
                    .begin("pl011@9000000").reg(2, 2, 0x0900_0000L, 0x1000).end()
                    .begin("memory").reg(2, 2, 0x4000_0000L, 0x1000).end()
                    .begin("chosen").prop("stdout-path", path).end()
                    .end().finish().build();
            FdtReference.Extracted e = parse(blob);
            assertEquals(0x0900_0000L, e.uartPa(), path);
            assertEquals(path, e.stdoutPath());
        }
        for (String path : new String[] {"/pl011", "/pl011@9000000/", "serial1", "nosuchalias", "/pl011@90000000",
                "/pl011@9000000/child", "/"}) {
            byte[] blob = new FdtBlob().begin("").cells("#address-cells", 2).cells("#size-cells", 2)
                    .begin("aliases").prop("serial1", "/nothing").end()
                    .begin("pl011@9000000").reg(2, 2, 0x0900_0000L, 0x1000).end()
                    .begin("memory").reg(2, 2, 0x4000_0000L, 0x1000).end()
                    .begin("chosen").prop("stdout-path", path).end()
                    .end().finish().build();
            assertEquals(0, parse(blob).uartPa(), path);
        }
    }

    @Test
    void uartNodeWithoutRegOrWithChildrenFirst() {
        byte[] blob = new FdtBlob().begin("").cells("#address-cells", 1).cells("#size-cells", 1)
                .begin("memory").reg(1, 1, 0x4000_0000L, 0x1000).end()
                .begin("chosen").prop("stdout-path", "/u").end()
                .begin("u").prop("compatible", "x").begin("sub").reg(1, 1, 7, 7).end().end()
                .end().finish().build();
        assertEquals(0, parse(blob).uartPa());
    }
}
