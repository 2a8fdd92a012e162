package org.capazos.imagegen.tools;

import org.capazos.imagegen.ExternalTools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs capaz-as and capaz-ld in this JVM, and finds the test sources and the LLVM tools. */
final class ToolRun {
    private ToolRun() { }

    /** Exit status and what was printed. */
    record Result(int exit, String out, String err) { }

    static Result as(String... args) {
        return asWithInput("", args);
    }

    static Result asWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = CapazAs.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result ld(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = CapazLd.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** dsl/src/test/resources/text: the .s files the tests assemble. */
    static Path sources() {
        Path root = Path.of(System.getProperty("capaz.root", ".."));
        Path p = root.resolve("dsl/src/test/resources/text");
        if (!Files.isDirectory(p)) p = Path.of("..", "dsl/src/test/resources/text");
        if (!Files.isDirectory(p)) throw new IllegalStateException("cannot find dsl/src/test/resources/text from "
                + Path.of("").toAbsolutePath());
        return p.toAbsolutePath().normalize();
    }

    /** The tool, or a skipped test with a loud line on stderr when it is not installed. */
    static Path require(String what, Optional<Path> tool) {
        if (tool.isEmpty()) {
            System.err.println("*** SKIPPED: " + what + " is not on PATH; install LLVM 14 (llvm-14, lld-14) to run "
                    + "the comparison with the LLVM tools ***");
        }
        assumeTrue(tool.isPresent(), what + " is not installed");
        return tool.get();
    }

    static Path llvmMc() {
        return require("llvm-mc", ExternalTools.llvmMc());
    }

    static Path lld() {
        return require("ld.lld", ExternalTools.lld());
    }

    static Path readelf() {
        return require("llvm-readelf", ExternalTools.readelf());
    }

    static Optional<Path> objcopy() {
        return ExternalTools.find("llvm-objcopy-14", "llvm-objcopy");
    }
}
