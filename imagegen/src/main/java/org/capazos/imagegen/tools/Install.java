package org.capazos.imagegen.tools;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@code mvn package} (imagegen's pom): writes the {@code capaz-as} and {@code capaz-ld} launchers next to
 * the executable jar in {@code build/bin}, then makes a class-data-sharing archive ({@code capaz-tools.jsa}) by
 * assembling and linking a small sample once with {@code -XX:ArchiveClassesAtExit}: the classes the tools need
 * are then mapped instead of loaded and verified, which is most of a small file's wall time. The archive belongs
 * to the JVM that made it; a launcher run by another JVM (or after the jar changed) just does without it.
 *
 * <p>Usage: {@code Install BIN_DIR JAR}.
 */
public final class Install {
    private Install() { }

    /**
     * JVM options of both launchers: a quick start matters more than peak speed for an assembler run (C1 only,
     * serial GC, a small young generation, no perf-data file). {@code -DontCompileHugeMethods}: the generated
     * InstructionDispatch.invoke is over HotSpot's 8000-byte limit for compiling a method, and interpreting it
     * for every instruction costs a large file a fifth of its time.
     */
    static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:-DontCompileHugeMethods -XX:+UseSerialGC -XX:-UsePerfData -Xmn32m";

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: Install BIN_DIR JAR");
            System.exit(2);
        }
        Path bin = Path.of(args[0]).toAbsolutePath();
        Path jar = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(bin);
        launcher(bin.resolve("capaz-as"), "CapazAs", "the AArch64 subset of GNU as");
        launcher(bin.resolve("capaz-ld"), "CapazLd", "GNU-ld-style linking of AArch64 objects");
        Path jsa = bin.resolve("capaz-tools.jsa");
        Files.deleteIfExists(jsa); // made for the previous jar: useless now
        if (System.getProperty("capaz.cds", "true").equals("false")) return;
        Path work = Files.createTempDirectory("capaz-cds");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(List.of(JVM_OPTIONS.split(" ")));
            cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                    "-cp", jar.toString(), Tools.class.getName(), "--train", work.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("log").toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            if (p.exitValue() != 0 || !Files.exists(jsa)) {
                System.err.println("capaz-tools: no class-data-sharing archive (the launchers work without it):\n"
                        + Files.readString(work.resolve("log")));
                Files.deleteIfExists(jsa);
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static void launcher(Path file, String mainClass, String what) throws IOException {
        String script = """
                #!/bin/sh
                # %s: %s. Written by mvn package (imagegen); see %s --help.
                # Runs build/bin/capaz-tools.jar with the class-data-sharing archive made for it, if there is one.
                self=$0
                if command -v readlink >/dev/null 2>&1; then self=$(readlink -f "$0" 2>/dev/null || echo "$0"); fi
                dir=$(CDPATH= cd -- "$(dirname -- "$self")" && pwd)
                if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
                cds=
                if [ -f "$dir/capaz-tools.jsa" ]; then cds="-XX:SharedArchiveFile=$dir/capaz-tools.jsa"; fi
                exec "$java" %s -Xshare:auto $cds -Xlog:cds=off -Xlog:cds+dynamic=off \\
                    -cp "$dir/capaz-tools.jar" org.capazos.imagegen.tools.%s "$@"
                """.formatted(file.getFileName(), what, file.getFileName(), JVM_OPTIONS, mainClass);
        Files.writeString(file, script, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            file.toFile().setExecutable(true);
        }
    }

    /** The sample the archive is trained on: directives, macros, instructions and pools, then a link. */
    static final String SAMPLE = """
            .macro  pair a, b
            stp     \\a, \\b, [sp, #-16]!
            .endm
            .equ    BASE, 0x09000000
            .section .text.boot, "ax", %progbits
            .globl  _start
            .type   _start, %function
            _start: pair x29, x30
                    mov     x0, #BASE >> 16
                    movk    x0, #:abs_g0_nc:table
                    adrp    x1, table
                    add     x1, x1, :lo12:table
                    ldr     x2, [x1, :lo12:table]
                    ldr     x3, =0x123456789
                    ldr     x4, =table
            1:      subs    x0, x0, #1
                    b.ne    1b
                    cbz     x0, 2f
                    tbnz    w0, #3, 2f
                    bl      helper
                    csel    x5, x6, x7, eq
                    ldp     x29, x30, [sp], #16
                    msr     daifset, #0xf
                    mrs     x8, currentel
                    dsb     ish
                    isb
            2:      ret
                    .ltorg
                    .size   _start, . - _start
            helper: and x0, x0, #0xff
                    lsl x1, x0, #3
                    ret
            .rodata
            .balign 8
            table:  .quad   _start, helper + 4
                    .word   helper - .
                    .asciz  "capaz"
            .data
                    .rept 2
                    .byte 1, 2
                    .endr
            .bss
                    .skip   64
            """;

    static final String SCRIPT = """
            ENTRY(_start)
            SECTIONS
            {
                . = 0x40080000;
                .text : { *(.text.boot) *(.text .text.*) }
                .rodata : ALIGN(8) { *(.rodata .rodata.*) }
                .data : ALIGN(8) { *(.data .data.*) }
                .bss (NOLOAD) : ALIGN(16) { *(.bss .bss.*) }
            }
            """;

    /** Assembles and links the sample in {@code dir} (the archive's training run). */
    static int train(Path dir) throws IOException {
        Path s = dir.resolve("sample.s"), o = dir.resolve("sample.o"), ld = dir.resolve("sample.ld");
        Files.writeString(s, SAMPLE);
        Files.writeString(ld, SCRIPT);
        var sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        int rc = CapazAs.run(new String[] {"-o", o.toString(), "--listing", dir.resolve("l").toString(), s.toString()},
                System.in, sink, System.err);
        if (rc != 0) return rc;
        rc = CapazAs.run(new String[] {"--show-encoding", s.toString()}, System.in, sink, System.err);
        if (rc != 0) return rc;
        rc = CapazLd.run(new String[] {"-T", ld.toString(), "-o", dir.resolve("a.elf").toString(), "-Map",
                dir.resolve("a.map").toString(), o.toString()}, sink, System.err);
        if (rc != 0) return rc;
        rc = CapazLd.run(new String[] {"-T", ld.toString(), "--oformat", "binary", "-o", dir.resolve("a.bin").toString(),
                o.toString()}, sink, System.err);
        // an error path too, so that diagnostics are archived
        CapazAs.run(new String[] {"-o", dir.resolve("bad.o").toString(), "-"}, new java.io.ByteArrayInputStream(
                "add x0, x1, #5000\nfrob\n".getBytes(StandardCharsets.ISO_8859_1)), sink, sink);
        return rc;
    }
}
