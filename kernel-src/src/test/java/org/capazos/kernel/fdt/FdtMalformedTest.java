package org.capazos.kernel.fdt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * fdt_parse on malformed blobs: each corpus blob gives its specific reason, and no blob, from the corpus or
 * mutated at random, makes it touch a byte outside the blob (the runner maps exactly the blob's bytes,
 * read-only) or outside the platform_info: any such access fails the test with the pc and the address.
 */
class FdtMalformedTest {
    static FdtRunner runner;

    @BeforeAll
    static void start() {
        runner = new FdtRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static List<FdtCorpus.Case> corpus() {
        return FdtCorpus.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void rejectedWithItsReason(FdtCorpus.Case c) {
        FdtRunner.Outcome o = runner.parse(c.blob(), c.misalign());
        assertEquals(c.reason(), o.reason(), c.name());
    }

    @Test
    void everyReasonIsInTheCorpus() {
        Set<String> expected = new TreeSet<>(runner.fdt.reasons());
        Set<String> covered = corpus().stream().map(FdtCorpus.Case::reason).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, covered, "reasons fdt_parse can give vs reasons the corpus checks");
    }

    @Test
    void reasonsAreShort() {
        for (String r : runner.fdt.reasons()) assertTrue(r.length() <= 40 && !r.isBlank(), r);
    }

    /**
     * Random mutations of valid blobs (fixed seeds): flipped bytes anywhere, header fields set to edge values,
     * struct words replaced by tokens. Whatever fdt_parse answers, it must stay within the blob; when it
     * accepts a blob, it must agree with the reference reader.
     */
    @Test
    void mutatedBlobsNeverEscapeTheBlob() {
        List<byte[]> seeds = List.of(
                FdtValidTreesTest.base().build(),
                FdtCorpus.tree(t -> FdtCorpus.withMemory(t)
                        .begin("reserved-memory").cells("#address-cells", 1).cells("#size-cells", 1)
                        .begin("r@1000").reg(1, 1, 0x1000, 0x100).end().end()
                        .begin("aliases").prop("serial0", "/soc/uart@10").end()
                        .begin("chosen").prop("stdout-path", "serial0:115200").end()
                        .begin("soc").cells("#address-cells", 1).cells("#size-cells", 1)
                        .begin("uart@10").reg(1, 1, 0x10, 0x10).end().end()),
                new FdtBlob().reserve(0x1000, 0x2000).nop().begin("").nop().cells("#address-cells", 1)
                        .cells("#size-cells", 1).begin("memory").reg(1, 1, 0x1000, 0x1000, 0x8000, 0x10).end()
                        .end().finish().build(),
                QemuVirtSnapshots.blob(QemuVirtSnapshots.VIRT_512M_SMP4));
        int accepted = 0, runs = 0;
        long[] edges = {0, 1, 3, 4, 7, 8, 0x24, 0x28, 0x7fff_ffffL, 0x8000_0000L, 0xffff_fff8L, 0xffff_ffffL};
        for (int s = 0; s < seeds.size(); s++) {
            byte[] seed = seeds.get(s);
            // QEMU's blob is padded to 1 MiB: mutate only the bytes in use, and fewer times (it costs more)
            int used = FdtBlob.u32(seed, FdtBlob.OFF_STRINGS) + FdtBlob.u32(seed, FdtBlob.SIZE_STRINGS);
            Random rnd = new Random(1234 + s);
            for (int i = 0; i < (seed.length > 65536 ? 60 : 400); i++) {
                byte[] m = seed.clone();
                int kind = rnd.nextInt(4);
                if (kind == 0) {                                    // flip 1-3 bytes after the magic
                    for (int k = 1 + rnd.nextInt(3); k > 0; k--) m[8 + rnd.nextInt(used - 8)] ^= (byte) (1 + rnd.nextInt(255));
                } else if (kind == 1) {                             // a header field to an edge value
                    int field = 8 + 4 * rnd.nextInt(8);
                    m = FdtBlob.patch32(m, field, edges[rnd.nextInt(edges.length)]);
                } else if (kind == 2) {                             // a struct word to a token or small number
                    int off = FdtBlob.u32(m, FdtBlob.OFF_STRUCT), n = FdtBlob.u32(m, FdtBlob.SIZE_STRUCT) / 4;
                    m = FdtBlob.patch32(m, off + 4 * rnd.nextInt(n), rnd.nextInt(12));
                } else {                                            // cut the blob short (totalsize follows)
                    int len = 8 + rnd.nextInt(used - 8);
                    m = FdtBlob.patch32(Arrays.copyOf(m, len), FdtBlob.TOTALSIZE, len);
                }
                m = readableBytes(m);
                FdtRunner.Outcome o = runner.parse(m);   // an EmulatorException here fails the test
                runs++;
                if (o.reason() == null) {
                    accepted++;
                    assertEquals(FdtReference.extract(m), o.extracted(), "seed " + s + " mutation " + i);
                }
            }
        }
        System.out.println("FDT-FUZZ " + runs + " mutated blobs, " + accepted + " accepted, none escaped the blob");
        assertTrue(accepted > 0 && accepted < runs);
    }

    /** What the contract says the caller makes readable: totalsize bytes (capped at 2 MiB), at least 8. */
    static byte[] readableBytes(byte[] m) {
        long total = FdtBlob.u32(m, FdtBlob.TOTALSIZE) & 0xffff_ffffL;
        int len = (int) Math.max(8, Math.min(total, Fdt.MAX_TOTALSIZE));
        return Arrays.copyOf(m, len);
    }
}
