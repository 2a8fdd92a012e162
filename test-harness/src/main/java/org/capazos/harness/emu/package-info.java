/**
 * The in-process emulator runner: single kernel routines, linked from DSL modules by imagegen, run on Unicorn
 * (AArch64) in milliseconds, with exact instruction counts and byte-exact memory checking. The middle of the
 * test pyramid: cheaper than a QEMU boot, and it sees what a boot cannot (an out-of-bounds read by one byte,
 * the cost of a routine in instructions).
 *
 * <pre>{@code
 * ModuleBuilder mb = new ModuleBuilder("fdt");
 * Fdt.emit(new MacroAssembler(mb));
 * try (Emulator emu = Emulator.link(List.of(mb.build()), 0x4008_0000L)) {
 *     emu.mapExact("dtb", 0x4800_0000L, blob, false);        // exactly these bytes, read-only
 *     emu.mapExact("info", 0x4f00_0000L, 1120, true);
 *     long reason = emu.call("fdt_parse", 0x4800_0000L, 0x4f00_0000L);
 *     long cost = emu.instructionsExecuted();
 * }
 * }</pre>
 *
 * <ul>
 * <li>{@link org.capazos.harness.emu.Emulator#link Emulator.link(modules, base[, defsyms])}: links with
 * {@link org.capazos.harness.emu.Emulator#linkScript a generated script} (.text, .rodata, .data, .bss from
 * base, one page-aligned section each, mapped r-x, r--, rw-, rw-); {@code Emulator.load(LinkedImage)} runs an
 * image linked elsewhere; {@code Emulator.empty()} has nothing loaded.</li>
 * <li>Memory: {@code map(addr, size)} (rw pages), {@code mapExact(name, addr, bytes|size, writable)} and
 * {@code unmapExact(name)} (checked to the byte), {@code write}, {@code read}, {@code readLong},
 * {@code readInt}, {@code writeLong}, {@code readCString}. A 256 KiB stack below {@code STACK_TOP}.</li>
 * <li>Calls: {@code call(symbol|address, args...)} (x0..x7; returns x0), {@code x(n)}, {@code setX(n, v)},
 * {@code instructionsExecuted()}, {@code instructionLimit(n)}, {@code checkAbi(on)} (x19..x28 and sp must be
 * preserved), {@code profiling(on)} and {@code profile()} (instructions per routine).</li>
 * <li>Devices: a PL011 at {@code DEFAULT_UART_BASE} (more with {@code mapUart}); {@code uartOutput()} has
 * what was written to UARTDR; UARTFR reads 0.</li>
 * <li>Failures: {@link org.capazos.harness.emu.EmulatorException} with the kind (read, write, fetch,
 * exception, limit, ABI), the pc, the address, the nearest symbol and the instruction, e.g.
 * {@code read of 1 byte at 0x48000048 (past the end of buffer "dtb" [0x48000000, 0x48000048)) by pc 0x40080078
 * <fdt_next_token+0x78>: ldrb w8, [x7], #1 after 618 instructions}.</li>
 * </ul>
 */
package org.capazos.harness.emu;
