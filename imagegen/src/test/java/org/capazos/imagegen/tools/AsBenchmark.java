package org.capazos.imagegen.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The capaz-as benchmark of BENCHMARKS.md: generates {@code big.s} (200,000 lines of kernel-style code: functions
 * with local labels, loads and stores, arithmetic, branches, adrp/:lo12: pairs, comments, then data) and
 * {@code small.s} (10 lines), the same every time, and times the whole process of capaz-as and llvm-mc on both
 * with hyperfine when it is installed (else with a loop here).
 *
 * <pre>
 * mvn -q install -DskipTests                    # build/bin/capaz-as
 * mvn -q -pl imagegen test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.capazos.imagegen.tools.AsBenchmark -Dexec.args=imagegen/target/asbench
 * </pre>
 */
public final class AsBenchmark {
    private AsBenchmark() { }

    static final int LINES = 200_000;

    private static final String[] FORMS = {
        "add x%a, x%b, #%i", "sub x%a, x%b, x%c", "ldr x%a, [x%b, #%8]", "str w%a, [x%b, #%4]",
        "stp x29, x30, [sp, #-16]!", "ldp x29, x30, [sp], #16", "mov x%a, x%b", "cbz x%a, 1f", "b.ne 1b",
        "and x%a, x%b, #0xff", "orr w%a, w%b, w%c, lsl #3", "bl func%f", "adrp x%a, data%f",
        "add x%a, x%a, :lo12:data%f", "movz x%a, #%i, lsl #16", "cmp x%a, #%i", "csel x%a, x%b, x%c, eq",
        "ldrb w%a, [x%b, x%c]",
    };

    /** The 200,000-line file (deterministic). */
    static String big() {
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder sb = new StringBuilder(LINES * 28);
        sb.append("\t.text\n");
        int lines = 1, n = 0, functions = 0;
        while (lines < LINES - 520) {
            if (n % 20 == 0) {
                sb.append("func").append(functions++).append(":\n1:\n");
                lines += 2;
            }
            String f = FORMS[r.nextInt(FORMS.length)];
            sb.append("    ").append(f.replace("%a", "" + r.nextInt(29)).replace("%b", "" + r.nextInt(29))
                    .replace("%c", "" + r.nextInt(29)).replace("%i", "" + r.nextInt(4096))
                    .replace("%8", "" + 8 * r.nextInt(101)).replace("%4", "" + 4 * r.nextInt(101))
                    .replace("%f", "" + r.nextInt(501)));
            if (n % 7 == 0) sb.append("   // comment");
            sb.append('\n');
            lines++;
            n++;
        }
        sb.append("1:  ret\n\t.data\n");
        lines += 2;
        for (int i = 0; lines < LINES; i++, lines++) sb.append("data").append(i).append(": .quad ").append(i).append('\n');
        return sb.toString();
    }

    /** The 10-line file. */
    static final String SMALL = """
            \t.text
            \t.globl\t_start
            _start:
            \tmov\tx0, #1
            \tadd\tx1, x0, #2
            \tadrp\tx2, value
            \tldr\tx3, [x2, :lo12:value]
            \tb\t_start
            \t.data
            value:\t.quad _start
            """;

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args.length > 0 ? args[0] : "imagegen/target/asbench").toAbsolutePath();
        Files.createDirectories(dir);
        Path big = dir.resolve("big.s"), small = dir.resolve("small.s");
        Files.writeString(big, big(), StandardCharsets.ISO_8859_1);
        Files.writeString(small, SMALL, StandardCharsets.ISO_8859_1);
        Path root = Path.of(System.getProperty("capaz.root", System.getProperty("user.dir"))).toAbsolutePath();
        Path capazAs = root.resolve("build/bin/capaz-as");
        if (!Files.isExecutable(capazAs)) capazAs = root.getParent().resolve("build/bin/capaz-as");
        String mc = org.capazos.imagegen.ExternalTools.llvmMc().map(Path::toString).orElse("llvm-mc");
        System.out.println("files: " + big + " (" + Files.readAllLines(big).size() + " lines), " + small + " ("
                + Files.readAllLines(small).size() + " lines)");
        for (Path src : List.of(big, small)) {
            String ours = capazAs + " " + src + " -o " + dir.resolve("capaz.o");
            String theirs = mc + " -filetype=obj -triple=aarch64 -mattr=+v8.2a,+lse " + src + " -o "
                    + dir.resolve("mc.o");
            if (org.capazos.imagegen.ExternalTools.find("hyperfine").isPresent()) {
                List<String> cmd = List.of("hyperfine", "-N", "-w", "3", "-r", src == big ? "20" : "40", ours, theirs);
                System.out.println(String.join(" ", cmd.subList(0, 6)) + " '" + ours + "' '" + theirs + "'");
                new ProcessBuilder(cmd).inheritIO().start().waitFor();
            } else {
                System.out.printf("%s: capaz-as %.1f ms, llvm-mc %.1f ms (best of 10; install hyperfine for more)%n",
                        src.getFileName(), best(ours), best(theirs));
            }
        }
    }

    private static double best(String command) throws IOException, InterruptedException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long t = System.nanoTime();
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command.split(" ")))).inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        return best;
    }
}
