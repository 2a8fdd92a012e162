package org.capazos.imagegen.tools;

import org.capazos.dsl.module.Module;
import org.capazos.imagegen.elf.ElfObjectReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * capaz-as as a command: the error files of dsl/src/test/resources/text/errors (every error reported as
 * {@code file:line:column: error: message} with the line and a caret, exit status 1, no output file left, not
 * even an old one), the options, and the listing.
 */
class CapazAsCliTest {
    @TempDir
    Path dir;

    private record Failure(String err, Path output) { }

    /** Assembles errors/NAME.s into an output that exists beforehand; expects failure and the output gone. */
    private Failure fails(String name) throws IOException {
        Path out = dir.resolve(name + ".o");
        Files.writeString(out, "an old object");
        Path src = ToolRun.sources().resolve("errors/" + name + ".s");
        ToolRun.Result r = ToolRun.as("-I", ToolRun.sources().toString(), "-o", out.toString(), src.toString());
        assertEquals(1, r.exit(), r.err());
        assertFalse(Files.exists(out), "the output file must not be left behind");
        assertEquals("", r.out());
        return new Failure(r.err(), src);
    }

    /** The "file:line:column: error: message" lines. */
    private static List<String> errorLines(String err) {
        return Arrays.stream(err.split("\n")).filter(l -> l.contains(": error: ")).toList();
    }

    @Test
    void wrongOperands() throws IOException {
        Failure f = fails("operand");
        assertEquals(List.of(
                f.output + ":2:25: error: invalid operand for instruction",
                f.output + ":6:25: error: sub: operand imm = 4097 (0x1001) cannot be encoded: must be 0..4095, or a "
                        + "multiple of 4096 up to 0xfff000 (encoded with lsl #12)",
                f.output + ":7:9: error: unrecognized instruction mnemonic 'foo'"), errorLines(f.err));
        assertTrue(f.err.contains("""
                start:  add     x0, x1, w2
                                        ^
                """), f.err);
    }

    @Test
    void outOfRangeImmediates() throws IOException {
        Failure f = fails("range");
        List<String> e = errorLines(f.err);
        assertEquals(5, e.size(), f.err);
        assertEquals(f.output + ":2:25: error: add: operand imm = 5000 (0x1388) cannot be encoded: must be 0..4095, "
                + "or a multiple of 4096 up to 0xfff000 (encoded with lsl #12)", e.get(0));
        assertEquals(f.output + ":3:17: error: out of range literal value: 256 (0x100) does not fit 1 byte", e.get(1));
        assertEquals(f.output + ":4:21: error: movz: operand imm = 74565 (0x12345) cannot be encoded: must be "
                + "0..65535", e.get(2));
        assertEquals(f.output + ":5:21: error: tbz: operand b = 64 cannot be encoded: must be bit number 0..63",
                e.get(3));
        assertEquals(f.output + ":6:22: error: immediate too large for a w register: 4886718345", e.get(4));
        assertTrue(f.err.contains("""
                        add     x0, x1, #5000
                                        ^
                """), f.err);
    }

    @Test
    void undefinedSymbols() throws IOException {
        Failure f = fails("undefined");
        assertEquals(List.of(
                f.output + ":3:22: error: expected an absolute expression, but symbol 'UNDEFINED_CONST' is not "
                        + "defined at this point",
                f.output + ":5:17: error: expected an absolute expression, but symbol 'later_label' is not defined "
                        + "at this point",
                f.output + ":2:17: error: undefined symbol '.Lnowhere'",
                f.output + ":4:21: error: local label '7f' refers to no later '7:'"), errorLines(f.err));
    }

    @Test
    void unterminatedMacro() throws IOException {
        Failure f = fails("macro");
        assertEquals(List.of(f.output + ":2:9: error: no matching .endm for .macro 'broken' (unterminated macro)"),
                errorLines(f.err));
    }

    @Test
    void missingInclude() throws IOException {
        Failure f = fails("include");
        List<String> e = errorLines(f.err);
        assertEquals(1, e.size(), f.err);
        assertTrue(e.get(0).startsWith(f.output + ":3:18: error: could not find include file 'does/not/exist.inc' "
                + "(searched the including file's directory, the current directory and -I "), e.get(0));
        assertTrue(f.err.contains("""
                        .include "does/not/exist.inc"
                                 ^
                """), f.err);
    }

    @Test
    void errorsInMacroBodiesShowTheInstantiation() throws IOException {
        Failure f = fails("in_macro");
        assertEquals(2, errorLines(f.err).size(), f.err);
        assertTrue(f.err.startsWith(f.output + ":3:25: error: add: operand imm = 5000 (0x1388) cannot be encoded"),
                f.err);
        assertTrue(f.err.contains(f.output + ":7:9: note: while in macro instantiation\n        twice   x1, 5000\n"
                + "        ^\n"), f.err);
    }

    @Test
    void missingInputAndBadOptions() {
        ToolRun.Result r = ToolRun.as("-o", dir.resolve("x.o").toString(), dir.resolve("none.s").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("capaz-as: error: cannot read '"), r.err());
        r = ToolRun.as("--frobnicate", "x.s");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("capaz-as: error: unknown option '--frobnicate'"), r.err());
        r = ToolRun.as();
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("capaz-as: error: no input file"), r.err());
    }

    @Test
    void severalInputsMakeOneObjectLikeGnuAs() throws IOException {
        Path a = dir.resolve("a.s"), b = dir.resolve("b.s"), out = dir.resolve("ab.o");
        Files.writeString(a, ".text\n.globl f\nf: bl g\n.equ SHARED, 3\n");
        Files.writeString(b, "g: mov x0, #SHARED\n ret\n.data\n.asciz \"b\"\n");
        ToolRun.Result r = ToolRun.as("-o", out.toString(), a.toString(), b.toString());
        assertEquals(0, r.exit(), r.err());
        Module m = ElfObjectReader.read(out);
        assertEquals("01000094" + "600080d2" + "c0035fd6", java.util.HexFormat.of().formatHex(m.section(".text").bytes()));
        assertTrue(m.section(".text").relocations().isEmpty(), "bl g is resolved: one object");
    }

    @Test
    void helpAndVersion() {
        ToolRun.Result r = ToolRun.as("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: capaz-as [options] file.s... | -"), r.out());
        assertTrue(r.out().contains("--show-encoding") && r.out().contains(".macro"), r.out());
        r = ToolRun.as("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("capaz-as "), r.out());
    }

    @Test
    void listingDefsymAndIncludeDirectory() throws IOException {
        Path src = dir.resolve("l.s");
        Files.writeString(src, """
                .include "inc/common.inc"
                .text
                .globl f
                f:  mov x0, #INC_CONST
                    mov x1, #FROM_CLI
                    ret
                .data
                .quad f
                """);
        Path out = dir.resolve("l.o"), listing = dir.resolve("l.lst");
        ToolRun.Result r = ToolRun.as("-I" + ToolRun.sources(), "--defsym", "FROM_CLI=0x20", "--listing",
                listing.toString(), "-o", out.toString(), src.toString());
        assertEquals(0, r.exit(), r.err());
        Module m = ElfObjectReader.read(out);
        assertEquals("000880d2" + "010480d2" + "c0035fd6",
                java.util.HexFormat.of().formatHex(m.section(".text").bytes()));
        String l = Files.readString(listing);
        assertTrue(l.contains("     4  0000 000880d2             f:  mov x0, #INC_CONST"), l);
        assertTrue(l.contains("     8  0000 0000000000000000     .quad f"), l);
    }
}
