package org.capazos.dsl.bench;

import keystone.Keystone;
import keystone.KeystoneArchitecture;
import keystone.KeystoneMode;
import org.capazos.dsl.Assembler;
import org.capazos.dsl.Condition;
import org.capazos.dsl.Label;
import org.capazos.dsl.Mem;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.Registers;
import org.capazos.dsl.Section;
import org.capazos.dsl.Shift;
import org.capazos.dsl.XReg;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Collection;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Encoding speed: a mixed stream of one million instructions (add/sub/cmp with immediates and registers,
 * ldr/str/ldp/stp, b/b.cond/cbz to bound labels, mov and orr with wide and bitmask immediates, logical and
 * shifted-register forms, bitfield moves, csel, madd) with precomputed operands, encoded into a fresh Section
 * per invocation through the generated Assembler; and Keystone assembling the same mix from GNU text (a
 * 20,000-instruction sample of it per invocation, as it is about a thousand times slower). Both report
 * instructions per second.
 * <p>Run: see BENCHMARKS.md ("Encoding speed"); {@link #main} runs both benchmarks and prints the figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EncodeBench {
    /** Instructions per DSL invocation. */
    public static final int N = 1_000_000;
    /** Instructions per Keystone invocation (a prefix of the same stream). */
    public static final int KEYSTONE_N = 20_000;

    static final int ADD_IMM = 0, SUB_IMM = 1, ADD_REG = 2, SUB_SHIFT = 3, CMP_IMM = 4, LDR = 5, STR = 6,
            LDP = 7, STP = 8, B = 9, BCOND = 10, CBZ = 11, MOV_WIDE = 12, MOVK = 13, ORR_IMM = 14, AND_REG = 15,
            EOR_SHIFT = 16, LSL = 17, UBFX = 18, CSEL = 19, MADD = 20, MOV_REG = 21, LDR_REG = 22, TST = 23;
    /**
     * The block of {@link #straightLine}: 50 instructions in the proportions of kernel code (register moves,
     * loads and stores, adds and compares, branches first), as a function body would call them.
     */
    static final byte[] BLOCK = {
        STP, MOV_REG, ADD_IMM, LDR, LDR, MOV_WIDE, MOVK, CMP_IMM, BCOND, LDR,
        ADD_REG, STR, MOV_REG, SUB_IMM, ORR_IMM, TST, CBZ, LDR, LSL, STR,
        AND_REG, MOV_REG, ADD_IMM, CMP_IMM, BCOND, LDR_REG, UBFX, STR, MOV_WIDE, ADD_IMM,
        SUB_SHIFT, CSEL, EOR_SHIFT, MOV_REG, LDR, TST, B, ADD_IMM, STR, SUB_IMM,
        MADD, MOV_WIDE, AND_REG, LSL, CMP_IMM, SUB_IMM, ADD_REG, ADD_IMM, LDP, B};
    static final int OPS = 24;
    static final long[] BITMASKS = {0xff, 0xffff, 0xff00ff00ff00ff00L, 0x5555555555555555L, 0xfffffffffffffff0L,
            0x7ffffffffffffL, 0x0f0f0f0f0f0f0f0fL, 0x1L << 63};

    /** One million instructions: the operation of each and its operands, all made before the clock starts. */
    static final class Stream {
        final byte[] op = new byte[N];
        final XReg[] d = new XReg[N], n = new XReg[N], m = new XReg[N];
        final long[] imm = new long[N];
        final int[] amt = new int[N];
        final Mem[] mem = new Mem[N];
        final Condition[] cond = new Condition[N];

        /** Operation {@code o} at index {@code i}, with random valid operands. */
        void set(int i, int o, SplittableRandom r) {
            op[i] = (byte) o;
            d[i] = Registers.x(r.nextInt(31));
            n[i] = Registers.x(r.nextInt(31));
            m[i] = Registers.x(r.nextInt(31));
            while (m[i] == n[i] || m[i] == d[i]) m[i] = Registers.x(r.nextInt(31)); // ldp: two destinations
            cond[i] = Condition.values()[r.nextInt(14)];
            switch (o) {
                case ADD_IMM, SUB_IMM, CMP_IMM -> imm[i] = r.nextInt(4096);
                case SUB_SHIFT, EOR_SHIFT, LSL -> amt[i] = r.nextInt(64);
                case LDR, STR -> mem[i] = Mem.mem(r.nextBoolean() ? Registers.sp : n[i], 8L * r.nextInt(4096));
                case LDP, STP -> mem[i] = r.nextBoolean() ? Mem.mem(Registers.sp, 16L * r.nextInt(32))
                        : Mem.preIndex(Registers.sp, -16L * (1 + r.nextInt(30)));
                case LDR_REG -> mem[i] = Mem.mem(n[i], m[i], Shift.LSL, 3);
                case MOV_WIDE -> imm[i] = (long) r.nextInt(65536) << (16 * r.nextInt(4));
                case MOVK -> {
                    imm[i] = r.nextInt(65536);
                    amt[i] = 16 * r.nextInt(4);
                }
                case ORR_IMM, TST -> imm[i] = BITMASKS[r.nextInt(BITMASKS.length)];
                case UBFX -> {
                    amt[i] = r.nextInt(32);
                    imm[i] = 1 + r.nextInt(32);
                }
                default -> { }
            }
        }
    }

    /** The block repeated 20,000 times (for {@link #straightLine} and Keystone). */
    Stream block;
    /** The same proportions in random order (for {@link #shuffled}). */
    Stream shuffled;
    /** The first KEYSTONE_N instructions of {@link #block} as GNU text, for Keystone. */
    String keystoneText;
    Keystone keystone;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        block = new Stream();
        shuffled = new Stream();
        byte[] ops = new byte[N];
        for (int i = 0; i < N; i++) ops[i] = BLOCK[i % BLOCK.length];
        for (int i = 0; i < N; i++) block.set(i, ops[i], r);
        for (int i = N - 1; i > 0; i--) { // Fisher-Yates
            int j = r.nextInt(i + 1);
            byte t = ops[i];
            ops[i] = ops[j];
            ops[j] = t;
        }
        for (int i = 0; i < N; i++) shuffled.set(i, ops[i], r);
        StringBuilder text = new StringBuilder("L0:\n");
        for (int i = 0; i < KEYSTONE_N; i++) text.append(gnu(block, i)).append('\n');
        keystoneText = text.toString();
        keystone = new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        keystone.close();
    }

    /** The GNU text of instruction i (branches go back to L0 at the start). */
    static String gnu(Stream st, int i) {
        XReg[] d = st.d, n = st.n, m = st.m;
        long[] imm = st.imm;
        int[] amt = st.amt;
        Mem[] mem = st.mem;
        Condition[] cond = st.cond;
        String dd = d[i].toString(), nn = n[i].toString(), mm = m[i].toString();
        return switch (st.op[i]) {
            case ADD_IMM -> "add " + dd + ", " + nn + ", #" + imm[i];
            case SUB_IMM -> "sub " + dd + ", " + nn + ", #" + imm[i];
            case ADD_REG -> "add " + dd + ", " + nn + ", " + mm;
            case SUB_SHIFT -> "sub " + dd + ", " + nn + ", " + mm + ", lsl #" + amt[i];
            case CMP_IMM -> "cmp " + nn + ", #" + imm[i];
            case LDR -> "ldr " + dd + ", " + text(mem[i]);
            case STR -> "str " + dd + ", " + text(mem[i]);
            case LDP -> "ldp " + dd + ", " + mm + ", " + text(mem[i]);
            case STP -> "stp " + dd + ", " + mm + ", " + text(mem[i]);
            case B -> "b L0";
            case BCOND -> "b." + cond[i].gnu() + " L0";
            case CBZ -> "cbz " + dd + ", L0";
            case MOV_WIDE -> "mov " + dd + ", #" + imm[i];
            case MOVK -> "movk " + dd + ", #" + imm[i] + ", lsl #" + amt[i];
            case ORR_IMM -> "orr " + dd + ", " + nn + ", #" + imm[i];
            case AND_REG -> "and " + dd + ", " + nn + ", " + mm;
            case EOR_SHIFT -> "eor " + dd + ", " + nn + ", " + mm + ", ror #" + amt[i];
            case LSL -> "lsl " + dd + ", " + nn + ", #" + amt[i];
            case UBFX -> "ubfx " + dd + ", " + nn + ", #" + amt[i] + ", #" + imm[i];
            case CSEL -> "csel " + dd + ", " + nn + ", " + mm + ", " + cond[i].gnu();
            case MADD -> "madd " + dd + ", " + nn + ", " + mm + ", " + dd;
            case MOV_REG -> "mov " + dd + ", " + nn;
            case LDR_REG -> "ldr " + dd + ", " + text(mem[i]);
            case TST -> "tst " + nn + ", #" + imm[i];
            default -> throw new IllegalStateException();
        };
    }

    static String text(Mem m) {
        return switch (m.mode) {
            case OFFSET -> "[" + m.base + ", #" + m.offset + "]";
            case PRE_INDEX -> "[" + m.base + ", #" + m.offset + "]!";
            case POST_INDEX -> "[" + m.base + "], #" + m.offset;
            case REGISTER -> "[" + m.base + ", " + m.index + ", lsl #" + m.amount + "]";
        };
    }

    /**
     * The block stream as kernel code writes it: straight-line calls, 50 to a block, each call site always the
     * same instruction, the operands from the precomputed arrays; branches go back to a label bound at the start
     * of every 16,000 instructions (within b.cond's and cbz's reach).
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public Section straightLine() {
        Section s = new ModuleBuilder("bench").section(".text", Section.Kind.CODE);
        Assembler a = new Assembler(s);
        Stream st = block;
        XReg[] d = st.d, n = st.n, m = st.m;
        long[] imm = st.imm;
        int[] amt = st.amt;
        Mem[] mem = st.mem;
        Condition[] cond = st.cond;
        Label back = null;
        for (int i = 0; i < N; i += 50) {
            if (i % 16_000 == 0) {
                back = new Label();
                a.bind(back);
            }
            int k = i;
            a.stp(d[k], m[k], mem[k++]).mov(d[k], n[k++]).add(d[k], n[k], imm[k++]).ldr(d[k], mem[k++])
                    .ldr(d[k], mem[k++]).mov(d[k], imm[k++]).movk(d[k], imm[k], amt[k++]).cmp(n[k], imm[k++])
                    .b(cond[k++], back).ldr(d[k], mem[k++]);
            a.add(d[k], n[k], m[k++]).str(d[k], mem[k++]).mov(d[k], n[k++]).sub(d[k], n[k], imm[k++])
                    .orr(d[k], n[k], imm[k++]).tst(n[k], imm[k++]).cbz(d[k++], back).ldr(d[k], mem[k++])
                    .lsl(d[k], n[k], amt[k++]).str(d[k], mem[k++]);
            a.and(d[k], n[k], m[k++]).mov(d[k], n[k++]).add(d[k], n[k], imm[k++]).cmp(n[k], imm[k++])
                    .b(cond[k++], back).ldr(d[k], mem[k++]).ubfx(d[k], n[k], amt[k], (int) imm[k++])
                    .str(d[k], mem[k++]).mov(d[k], imm[k++]).add(d[k], n[k], imm[k++]);
            a.sub(d[k], n[k], m[k], Shift.LSL, amt[k++]).csel(d[k], n[k], m[k], cond[k++])
                    .eor(d[k], n[k], m[k], Shift.ROR, amt[k++]).mov(d[k], n[k++]).ldr(d[k], mem[k++])
                    .tst(n[k], imm[k++]).b(back);
            k++;
            a.add(d[k], n[k], imm[k++]).str(d[k], mem[k++]).sub(d[k], n[k], imm[k++]);
            a.madd(d[k], n[k], m[k], d[k++]).mov(d[k], imm[k++]).and(d[k], n[k], m[k++]).lsl(d[k], n[k], amt[k++])
                    .cmp(n[k], imm[k++]).sub(d[k], n[k], imm[k++]).add(d[k], n[k], m[k++]).add(d[k], n[k], imm[k++])
                    .ldp(d[k], m[k], mem[k++]).b(back);
        }
        return s;
    }

    /**
     * The shuffled stream, one switch per instruction: the same instructions in random order, so the dispatch
     * itself is unpredictable (a worst case no kernel source has; it measures the interpreter loop as much as
     * the encoder).
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public Section shuffled() {
        Section s = new ModuleBuilder("bench").section(".text", Section.Kind.CODE);
        Assembler a = new Assembler(s);
        Stream st = shuffled;
        byte[] op = st.op;
        XReg[] d = st.d, n = st.n, m = st.m;
        long[] imm = st.imm;
        int[] amt = st.amt;
        Mem[] mem = st.mem;
        Condition[] cond = st.cond;
        Label back = new Label();
        a.bind(back);
        for (int i = 0; i < N; i++) {
            if (i % 16_000 == 0) {
                back = new Label();
                a.bind(back);
            }
            switch (op[i]) {
                case ADD_IMM -> a.add(d[i], n[i], imm[i]);
                case SUB_IMM -> a.sub(d[i], n[i], imm[i]);
                case ADD_REG -> a.add(d[i], n[i], m[i]);
                case SUB_SHIFT -> a.sub(d[i], n[i], m[i], Shift.LSL, amt[i]);
                case CMP_IMM -> a.cmp(n[i], imm[i]);
                case LDR -> a.ldr(d[i], mem[i]);
                case STR -> a.str(d[i], mem[i]);
                case LDP -> a.ldp(d[i], m[i], mem[i]);
                case STP -> a.stp(d[i], m[i], mem[i]);
                case B -> a.b(back);
                case BCOND -> a.b(cond[i], back);
                case CBZ -> a.cbz(d[i], back);
                case MOV_WIDE -> a.mov(d[i], imm[i]);
                case MOVK -> a.movk(d[i], imm[i], amt[i]);
                case ORR_IMM -> a.orr(d[i], n[i], imm[i]);
                case AND_REG -> a.and(d[i], n[i], m[i]);
                case EOR_SHIFT -> a.eor(d[i], n[i], m[i], Shift.ROR, amt[i]);
                case LSL -> a.lsl(d[i], n[i], amt[i]);
                case UBFX -> a.ubfx(d[i], n[i], amt[i], (int) imm[i]);
                case CSEL -> a.csel(d[i], n[i], m[i], cond[i]);
                case MADD -> a.madd(d[i], n[i], m[i], d[i]);
                case MOV_REG -> a.mov(d[i], n[i]);
                case LDR_REG -> a.ldr(d[i], mem[i]);
                case TST -> a.tst(n[i], imm[i]);
                default -> throw new IllegalStateException();
            }
        }
        return s;
    }

    /** Keystone assembles the first KEYSTONE_N instructions of the same stream from their GNU text. */
    @Benchmark
    @OperationsPerInvocation(KEYSTONE_N)
    public byte[] keystone() {
        return keystone.assemble(keystoneText).getMachineCode();
    }

    /**
     * JMH starts its fork with {@code java.class.path}; under {@code mvn exec:java} that is Maven's launcher,
     * and the classes are in the class loader exec:java made. Hand the fork that class loader's path.
     */
    static void forkWithThisClasspath() throws java.net.URISyntaxException {
        ClassLoader cl = EncodeBench.class.getClassLoader();
        if (cl == ClassLoader.getSystemClassLoader() || !(cl instanceof java.net.URLClassLoader u)) return;
        StringBuilder cp = new StringBuilder();
        for (java.net.URL url : u.getURLs()) {
            if (cp.length() > 0) cp.append(java.io.File.pathSeparatorChar);
            cp.append(java.nio.file.Path.of(url.toURI()));
        }
        System.setProperty("java.class.path", cp.toString());
    }

    /**
     * Runs both benchmarks and prints instructions per second and the ratio. Arguments are passed to JMH's
     * options ({@code -f 0} to run in this JVM, {@code -wi 2 -i 3} for a quick look).
     */
    public static void main(String[] args) throws Exception {
        forkWithThisClasspath();
        ChainedOptionsBuilder o = new OptionsBuilder().include(EncodeBench.class.getName() + "\\.")
                .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(args));
        Collection<RunResult> results = new Runner(o.build()).run();
        java.util.Map<String, double[]> score = new java.util.HashMap<>();
        for (RunResult r : results) {
            String b = r.getParams().getBenchmark();
            score.put(b.substring(b.lastIndexOf('.') + 1),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        double[] none = {Double.NaN, Double.NaN};
        double[] line = score.getOrDefault("straightLine", none), shuf = score.getOrDefault("shuffled", none),
                ks = score.getOrDefault("keystone", none);
        System.out.printf("%nEncoding speed (%,d-instruction mixed stream, a fresh Section per invocation; %s, %d cores)%n",
                N, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  DSL, straight-line calls:   %,15.0f instructions/s  (+- %,.0f)%n", line[0], line[1]);
        System.out.printf("  DSL, shuffled via a switch: %,15.0f instructions/s  (+- %,.0f)%n", shuf[0], shuf[1]);
        System.out.printf("  Keystone, GNU text:         %,15.0f instructions/s  (+- %,.0f)%n", ks[0], ks[1]);
        System.out.printf("  DSL / Keystone:             %,15.0f x straight-line, %,.0f x shuffled%n",
                line[0] / ks[0], shuf[0] / ks[0]);
    }
}
