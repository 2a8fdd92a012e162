package org.capazos.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of one AArch64 QEMU {@code virt} machine: what to emulate and what to load.
 *
 * <p>Immutable; build one with {@link #builder()}. The defaults match the reference kernel's run
 * script: {@code -M virt -cpu cortex-a72 -m 512M -smp 1 -nographic -serial stdio -monitor none
 * -nic none}. The serial console (PL011 at {@code 0x09000000}) is QEMU's standard output.
 *
 * <pre>{@code
 * try (RunningMachine vm = VirtMachine.builder()
 *         .kernel(Path.of("build/kernel.img"))
 *         .semihosting(true)
 *         .boot()) {
 *     vm.awaitLine(Pattern.compile("kernel ready"), Duration.ofSeconds(10));
 *     assertEquals(0, vm.awaitExit(Duration.ofSeconds(10)));
 * }
 * }</pre>
 *
 * <p>A raw image given with {@link Builder#kernel(Path)} is loaded at {@code 0x40080000} and
 * entered at EL1 (EL2 with {@code machineOption("virtualization=on")}) with x0 = the DTB address.
 */
public final class VirtMachine {

    /** {@code file=PATH} inside a {@code -device} option string; QEMU writes a comma in PATH as ",,". */
    private static final Pattern DEVICE_FILE = Pattern.compile("(?<=^|,)file=((?:[^,]|,,)+)");

    private final String cpu;
    private final String memory;
    private final int smp;
    private final List<String> machineOptions;
    private final Path kernel;
    private final Path dtb;
    private final List<String> devices;
    private final Integer gdbPort;
    private final boolean haltAtStart;
    private final boolean semihosting;
    private final Duration timeout;
    private final List<String> extraArguments;

    private VirtMachine(Builder b) {
        cpu = b.cpu;
        memory = b.memory;
        smp = b.smp;
        machineOptions = List.copyOf(b.machineOptions);
        kernel = b.kernel;
        dtb = b.dtb;
        devices = List.copyOf(b.devices);
        gdbPort = b.gdbPort;
        haltAtStart = b.haltAtStart;
        semihosting = b.semihosting;
        timeout = b.timeout;
        extraArguments = List.copyOf(b.extraArguments);
    }

    /** Returns a builder with the defaults described in the class comment. */
    public static Builder builder() {
        return new Builder();
    }

    /** Boots this machine on the backend chosen by {@code -Dcapaz.qemu} (see {@link QemuLauncher#select()}). */
    public RunningMachine boot() {
        return QemuLauncher.select().boot(this);
    }

    /** Boots this machine on the given backend. */
    public RunningMachine boot(QemuLauncher launcher) {
        return launcher.boot(this);
    }

    /** The gdb stub's TCP port, if {@link Builder#gdbPort(int)} was set. */
    public Optional<Integer> gdbPort() {
        return Optional.ofNullable(gdbPort);
    }

    /**
     * How long the machine may run before the harness kills it; {@link Duration#ZERO} means no limit.
     * Also the wait used by {@link RunningMachine#awaitLine(Pattern)} and {@link RunningMachine#awaitExit()}.
     */
    public Duration timeout() {
        return timeout;
    }

    /** Every host file this machine loads: the kernel, the DTB and the {@code file=} of each device. */
    public Set<Path> files() {
        Set<Path> files = new LinkedHashSet<>();
        if (kernel != null) {
            files.add(kernel);
        }
        if (dtb != null) {
            files.add(dtb);
        }
        for (String device : devices) {
            Matcher m = DEVICE_FILE.matcher(device);
            while (m.find()) {
                files.add(devicePath(m.group(1)));
            }
        }
        return files;
    }

    /**
     * QEMU's command line without the program name.
     *
     * @param pathInQemu where QEMU sees each host file of {@link #files()} (the local backend passes
     *     the absolute path, the container backend the path it copied the file to)
     */
    public List<String> qemuArguments(Function<Path, String> pathInQemu) {
        List<String> args = new ArrayList<>();
        StringBuilder machine = new StringBuilder("virt");
        machineOptions.forEach(option -> machine.append(',').append(option));
        add(args, "-M", machine.toString());
        add(args, "-cpu", cpu, "-m", memory, "-smp", Integer.toString(smp));
        add(args, "-nographic", "-serial", "stdio", "-monitor", "none", "-nic", "none");
        if (semihosting) {
            add(args, "-semihosting-config", "enable=on,target=native");
        }
        if (kernel != null) {
            add(args, "-kernel", pathInQemu.apply(kernel));
        }
        if (dtb != null) {
            add(args, "-dtb", pathInQemu.apply(dtb));
        }
        for (String device : devices) {
            Matcher m = DEVICE_FILE.matcher(device);
            String mapped = m.replaceAll(r -> Matcher.quoteReplacement(
                    "file=" + quoteOptionValue(pathInQemu.apply(devicePath(r.group(1))))));
            add(args, "-device", mapped);
        }
        if (gdbPort != null) {
            add(args, "-gdb", "tcp::" + gdbPort);
        }
        if (haltAtStart) {
            args.add("-S");
        }
        args.addAll(extraArguments);
        return args;
    }

    private static Path devicePath(String optionValue) {
        return Path.of(optionValue.replace(",,", ","));
    }

    /** A value inside a QEMU option string: commas doubled. */
    private static String quoteOptionValue(String value) {
        return value.replace(",", ",,");
    }

    private static void add(List<String> args, String... more) {
        args.addAll(List.of(more));
    }

    @Override
    public String toString() {
        return String.join(" ", qemuArguments(Path::toString));
    }

    /** Fluent builder of a {@link VirtMachine}; every setter returns {@code this}. */
    public static final class Builder {
        private String cpu = "cortex-a72";
        private String memory = "512M";
        private int smp = 1;
        private final List<String> machineOptions = new ArrayList<>();
        private Path kernel;
        private Path dtb;
        private final List<String> devices = new ArrayList<>();
        private Integer gdbPort;
        private boolean haltAtStart;
        private boolean semihosting;
        private Duration timeout = Duration.ofSeconds(60);
        private final List<String> extraArguments = new ArrayList<>();

        private Builder() {}

        /** {@code -cpu}; default {@code cortex-a72}. */
        public Builder cpu(String cpu) {
            this.cpu = Objects.requireNonNull(cpu);
            return this;
        }

        /** {@code -m}, e.g. {@code 512M} (the default) or {@code 1G}. */
        public Builder memory(String memory) {
            this.memory = Objects.requireNonNull(memory);
            return this;
        }

        /** {@code -smp}: the number of CPUs; default 1. */
        public Builder smp(int cpus) {
            if (cpus < 1) {
                throw new IllegalArgumentException("smp must be at least 1: " + cpus);
            }
            this.smp = cpus;
            return this;
        }

        /** Appends an option to {@code -M virt}, e.g. {@code virtualization=on} or {@code gic-version=3}. */
        public Builder machineOption(String option) {
            machineOptions.add(Objects.requireNonNull(option));
            return this;
        }

        /** {@code -kernel}: a raw image (loaded at {@code 0x40080000}) or an ELF file. */
        public Builder kernel(Path image) {
            this.kernel = Objects.requireNonNull(image);
            return this;
        }

        /** {@code -dtb}: a device tree blob passed to the kernel instead of QEMU's generated one. */
        public Builder dtb(Path dtb) {
            this.dtb = Objects.requireNonNull(dtb);
            return this;
        }

        /**
         * {@code -device}, verbatim, e.g. {@code loader,file=build/boot.img,addr=0x40000000,force-raw=on}.
         * A {@code file=} path is a host path (a comma in it doubled, as QEMU wants); each backend
         * makes it visible to QEMU.
         */
        public Builder device(String device) {
            devices.add(Objects.requireNonNull(device));
            return this;
        }

        /** Shorthand for a generic {@code loader} device putting a raw file at a physical address. */
        public Builder loader(Path file, long address) {
            return device("loader,file=" + quoteOptionValue(file.toString()) + ",addr=0x" + Long.toHexString(address) + ",force-raw=on");
        }

        /**
         * {@code -gdb tcp::PORT}: a gdb stub on that TCP port (the container backend then uses the
         * host's network instead of none, so the port is reachable on localhost).
         */
        public Builder gdbPort(int port) {
            this.gdbPort = port;
            return this;
        }

        /** {@code -S}: stop the CPUs before the first instruction until a debugger continues them. */
        public Builder haltAtStart(boolean halt) {
            this.haltAtStart = halt;
            return this;
        }

        /**
         * {@code -semihosting-config enable=on,target=native}: lets the guest exit QEMU with a status
         * via semihosting SYS_EXIT / SYS_EXIT_EXTENDED ({@code hlt #0xf000}). Off by default.
         */
        public Builder semihosting(boolean enabled) {
            this.semihosting = enabled;
            return this;
        }

        /** How long the machine may run before it is killed; default 60 s, {@link Duration#ZERO} for no limit. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("negative timeout: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Further QEMU arguments, appended verbatim (host paths in them are not translated). */
        public Builder arguments(String... arguments) {
            extraArguments.addAll(List.of(arguments));
            return this;
        }

        /** The immutable configuration. */
        public VirtMachine build() {
            return new VirtMachine(this);
        }

        /** Shorthand for {@code build().boot()}: boots on the backend chosen by {@code -Dcapaz.qemu}. */
        public RunningMachine boot() {
            return build().boot();
        }

        /** Shorthand for {@code build().boot(launcher)}. */
        public RunningMachine boot(QemuLauncher launcher) {
            return build().boot(launcher);
        }
    }
}
