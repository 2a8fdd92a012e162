package org.capazos.dsl.layout;

import org.capazos.dsl.EncodingException;
import org.capazos.dsl.paging.Descriptor;
import org.capazos.dsl.paging.Mapping;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Layouts against values from the architecture manual and from real machines. */
class LayoutsTest {
    @Test
    void valuesBuiltFromNamedFields() {
        // SCTLR_EL1's Armv8.0 RES1 bits: 11, 20, 22, 23, 28, 29
        assertEquals(0x30d0_0800L, Layouts.SCTLR_EL1.of(0).set("EOS").set("TSCXT").set("EIS").set("SPAN")
                .set("nTLSMD").set("LSMAOE").value());
        // EL1h with D, A, I and F masked: the usual SPSR for an eret into a kernel
        assertEquals(0x3c5L, Layouts.SPSR.of(0).set("D").set("A").set("I").set("F").with("M", Layouts.M_EL1H).value());
        // 48-bit VAs in both halves, 4 KiB granules, WBWA inner-shareable walks, 48-bit IPA
        long tcr = Layouts.TCR_EL1.with("T0SZ", 16).with("IRGN0", 1).with("ORGN0", 1).with("SH0", 3).with("TG0", 0)
                .with("T1SZ", 16).with("IRGN1", 1).with("ORGN1", 1).with("SH1", 3).with("TG1", 2).with("IPS", 5).value();
        assertEquals(0x5_b510_3510L, tcr);
        assertEquals(0x44ff00L, Descriptor.MAIR);
    }

    @Test
    void decodesWhatAMachineReported() {
        // a data abort at EL1, translation fault at level 0, as QEMU reports it
        Map<String, Long> esr = Layouts.ESR_EL1.decode(0x9600_0004L);
        assertEquals(Layouts.EC_DABT_SAME, esr.get("EC"));
        assertEquals(1L, esr.get("IL"));
        assertEquals(4L, esr.get("ISS"));
        assertEquals("ESR_EL1(ISS=4 IL=1 EC=0x25)", Layouts.ESR_EL1.describe(0x9600_0004L));
        // cortex-a72 reports PARange 0b0100 (44 bits) and 4 KiB granules supported
        assertEquals(4L, Layouts.ID_AA64MMFR0_EL1.decode(0x1124L).get("PARange"));
    }

    @Test
    void descriptorBitsComeFromTheLayout() {
        long d = Mapping.KERNEL_RW.attributes() | Descriptor.VALID | 0x4000_0000L;
        Map<String, Long> f = Layouts.BLOCK_DESCRIPTOR.decode(d);
        assertEquals(1L, f.get("AF"));
        assertEquals((long) Descriptor.ATTR_NORMAL, f.get("AttrIndx"));
        assertEquals(3L, f.get("SH"));
        assertEquals(1L, f.get("PXN"));
        assertEquals(0x4000_0000L >>> 12, f.get("OutputAddress"));
    }

    @Test
    void fieldsAreChecked() {
        EncodingException e = assertThrows(EncodingException.class, () -> Layouts.TCR_EL1.with("T0SZ", 64));
        assertTrue(e.getMessage().contains("T0SZ is 6 bits wide"), e.getMessage());
        assertThrows(EncodingException.class, () -> Layouts.TCR_EL1.with("NOPE", 1));
        assertThrows(IllegalArgumentException.class, () -> BitLayout.named("x").field("a", 0, 4).field("b", 3, 2));
    }
}
