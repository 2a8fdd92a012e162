package org.capazos.imagegen.out;

import org.capazos.dsl.Disassembler;

import java.util.function.LongFunction;

/**
 * Turns an instruction word into listing text: the DSL's table-driven {@link Disassembler} (GNU syntax, branch
 * targets named by symbol) or {@code .inst 0x...}.
 */
@FunctionalInterface
public interface InstructionPrinter {
    /** The text for {@code word} at {@code address}. */
    String print(long address, int word);

    /** {@code .inst 0xd503201f}. */
    static InstructionPrinter raw() {
        return (address, word) -> String.format(".inst 0x%08x", word);
    }

    /** The DSL's disassembler; {@code symbols} names addresses (null where none). */
    static InstructionPrinter disassembler(LongFunction<String> symbols) {
        Disassembler d = new Disassembler();
        return (address, word) -> {
            try {
                return d.disassemble(word, address, symbols);
            } catch (RuntimeException e) { // a listing must not fail the build
                return String.format(".inst 0x%08x", word);
            }
        };
    }
}
