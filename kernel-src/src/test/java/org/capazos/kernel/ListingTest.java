package org.capazos.kernel;

import org.capazos.harness.Provisioner;
import org.capazos.imagegen.ImageBuild;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The listings (boot.lst, kernel.lst) against llvm-objdump's disassembly of the ELF files: the same
 * instructions at the same addresses, with the same bytes and the same mnemonic.
 */
class ListingTest {
    private static final Pattern OURS = Pattern.compile("^\\s+([0-9a-f]{16}):\\s+((?:[0-9a-f]{2} ){4})\\s*(\\S+)");
    private static final Pattern LLVM = Pattern.compile("^\\s*([0-9a-f]+):\\s+((?:[0-9a-f]{2} ){4})\\s*(\\S+)");

    @Test
    void listingsMatchLlvmObjdump() throws Exception {
        boolean llvm = Provisioner.ensure("llvm-objdump", "llvm");
        if (!llvm) System.err.println("LISTING TEST SKIPPED: no llvm-objdump; install llvm");
        assumeTrue(llvm);
        ImageBuild.Result build = KernelImages.build(BuildSwitches.DEFAULT);
        for (String stage : new String[] {"boot", "kernel"}) {
            Map<String, String[]> ours = parse(Files.readAllLines(build.files().get(stage + ".lst")), OURS);
            Process p = new ProcessBuilder("llvm-objdump", "-d", build.files().get(stage + ".elf").toString())
                    .redirectErrorStream(true).start();
            List<String> out = List.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n"));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            Map<String, String[]> theirs = parse(out, LLVM);
            assertFalse(ours.isEmpty());
            assertEquals(theirs.keySet(), ours.keySet(), stage + ": the same instruction addresses");
            List<String> differences = new ArrayList<>();
            for (Map.Entry<String, String[]> e : ours.entrySet()) {
                String[] o = e.getValue(), t = theirs.get(e.getKey());
                if (!o[0].equals(t[0]) || !o[1].equals(t[1]))
                    differences.add(e.getKey() + ": ours " + String.join(" ", o) + ", llvm " + String.join(" ", t));
            }
            assertTrue(differences.isEmpty(), stage + ":\n" + String.join("\n", differences));
            System.out.println("listing: " + stage + ": " + ours.size() + " instructions match llvm-objdump");
        }
    }

    private static Map<String, String[]> parse(List<String> lines, Pattern p) {
        Map<String, String[]> m = new TreeMap<>();
        for (String l : lines) {
            Matcher x = p.matcher(l);
            if (x.find()) m.put(String.format("%016x", Long.parseUnsignedLong(x.group(1), 16)),
                    new String[] {x.group(2).trim(), x.group(3)});
        }
        return m;
    }
}
