package org.capazos.harness;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A booted QEMU machine: its serial console, captured line by line, and its exit status.
 *
 * <p>All methods are thread-safe. {@link #close()} kills QEMU if it still runs; use
 * try-with-resources. The machine is also killed when its {@link VirtMachine#timeout()} passes,
 * and when the JVM exits.
 */
public final class RunningMachine implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qemu-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final String description;
    private final VirtMachine config;
    private final SerialLog serial;
    private final SerialLog qemuMessages;
    private final CompletableFuture<Integer> exitStatus;
    private final Runnable kill;
    private final ScheduledFuture<?> watchdog;
    private final Thread killOnJvmExit;
    /** Why the harness killed QEMU ("after its timeout of 5 s", "by close()"), or null. */
    private volatile String killedBy;
    private int nextLine;

    /**
     * Called by a backend once QEMU runs.
     *
     * @param description names the backend in messages, e.g. {@code "QEMU [local]"}
     * @param serial the serial console, fed by the backend
     * @param qemuMessages QEMU's own stderr (errors, warnings), fed by the backend
     * @param exitStatus completed with QEMU's exit status once it exited and both logs ended
     * @param kill stops QEMU forcibly; must be idempotent
     */
    RunningMachine(String description, VirtMachine config, SerialLog serial, SerialLog qemuMessages,
            CompletableFuture<Integer> exitStatus, Runnable kill) {
        this.description = description;
        this.config = config;
        this.serial = serial;
        this.qemuMessages = qemuMessages;
        this.exitStatus = exitStatus;
        this.kill = kill;
        Duration limit = config.timeout();
        this.watchdog = limit.isZero() ? null : WATCHDOG.schedule(() -> {
            killedBy = "after its timeout of " + human(limit);
            kill.run();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        this.killOnJvmExit = new Thread(kill, "qemu-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
        exitStatus.whenComplete((status, error) -> cancelGuards());
    }

    /**
     * Waits for a serial line in which {@code pattern} is found ({@link java.util.regex.Matcher#find()}).
     * Each call searches the lines after the one the previous call returned, so successive calls
     * check that lines come in order. Fails at once if QEMU exits without printing such a line.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} waits without limit
     * @return the whole matching line (without its line terminator)
     * @throws AssertionError if no such line came within {@code timeout} or QEMU exited first;
     *     the message holds the whole serial log so far
     */
    public synchronized String awaitLine(Pattern pattern, Duration timeout) {
        int index;
        try {
            // a kernel that reports an exception or a panic will not print the line: stop waiting at once
            Pattern orDistress = Pattern.compile("(?:" + pattern.pattern() + ")|" + DISTRESS.pattern(), pattern.flags());
            index = serial.awaitLine(orDistress, nextLine, deadline(timeout));
            if (index >= 0 && !pattern.matcher(serial.lines().get(index)).find()) {
                throw new AssertionError(failure("the kernel reported \"" + serial.lines().get(index)
                        + "\" while a line matching /" + pattern + "/ was awaited"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(description + ": interrupted while waiting for /" + pattern + "/", e);
        }
        if (index < 0) {
            String why = serial.ended()
                    ? exitDescription() + " before printing a line matching /" + pattern + "/"
                    : "no serial line matching /" + pattern + "/ within " + human(timeout);
            throw new AssertionError(failure(why));
        }
        nextLine = index + 1;
        return serial.lines().get(index);
    }

    /**
     * Lines a kernel prints when it has failed: the CapazOS contract's {@code EXCEPTION:} and {@code PANIC:}.
     * {@link #awaitLine} fails as soon as one appears, unless it is the line being awaited.
     */
    public static final Pattern DISTRESS = Pattern.compile("^(?:EXCEPTION|PANIC):");

    /** {@link #awaitLine(Pattern, Duration)} with a regular expression. */
    public String awaitLine(String regex, Duration timeout) {
        return awaitLine(Pattern.compile(regex), timeout);
    }

    /** {@link #awaitLine(Pattern, Duration)} waiting at most the machine's {@link VirtMachine#timeout()}. */
    public String awaitLine(Pattern pattern) {
        return awaitLine(pattern, config.timeout());
    }

    /**
     * Waits until QEMU exits by itself: semihosting SYS_EXIT gives the guest's status, PSCI
     * SYSTEM_OFF gives 0.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} waits without limit
     * @return QEMU's exit status (0-255)
     * @throws AssertionError if QEMU still ran after {@code timeout}, or was killed by the harness
     *     (its timeout, or {@link #close()}); the message holds the whole serial log
     */
    public int awaitExit(Duration timeout) {
        int status;
        try {
            long millis = timeout.isZero() ? Long.MAX_VALUE : timeout.toMillis();
            status = exitStatus.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(failure("still running after " + human(timeout)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(description + ": interrupted while waiting for the exit", e);
        } catch (ExecutionException e) {
            if (killedBy == null) {
                throw new AssertionError(failure("lost track of QEMU: " + e.getCause()), e.getCause());
            }
            status = -1;
        }
        if (killedBy != null) {
            throw new AssertionError(failure("was killed " + killedBy));
        }
        return status;
    }

    /** {@link #awaitExit(Duration)} waiting at most the machine's {@link VirtMachine#timeout()}. */
    public int awaitExit() {
        return awaitExit(config.timeout());
    }

    /** True until QEMU has exited (and its output has been read to the end). */
    public boolean isRunning() {
        return !exitStatus.isDone();
    }

    /** Every complete serial line so far, without line terminators. */
    public List<String> lines() {
        return serial.lines();
    }

    /** The whole serial output so far, including an unterminated last line. */
    public String log() {
        return serial.text();
    }

    /** What QEMU itself printed on stderr (e.g. "could not load kernel"). */
    public String qemuMessages() {
        return qemuMessages.text();
    }

    /** Kills QEMU if it still runs. */
    @Override
    public void close() {
        if (isRunning() && killedBy == null) {
            killedBy = "by close()";
        }
        kill.run();
        try {
            exitStatus.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing more to do: the backend's kill was best effort
        }
        cancelGuards();
    }

    @Override
    public String toString() {
        return description + ": " + config;
    }

    private void cancelGuards() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
    }

    private String exitDescription() {
        if (killedBy != null) {
            return "was killed " + killedBy;
        }
        try {
            return "exited with status " + exitStatus.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ended its output";
        } catch (ExecutionException | TimeoutException e) {
            return "ended its output";
        }
    }

    private String failure(String what) {
        StringBuilder message = new StringBuilder(description).append(' ').append(what).append('\n');
        List<String> lines = serial.lines();
        String text = serial.text();
        message.append("---- serial log (").append(lines.size()).append(" lines) ----\n").append(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            message.append('\n');
        }
        message.append("---- end of serial log ----");
        String messages = qemuMessages.text().strip();
        if (!messages.isEmpty()) {
            message.append("\nQEMU's stderr:\n").append(messages);
        }
        message.append("\nQEMU arguments: ").append(config);
        return message.toString();
    }

    private static long deadline(Duration timeout) {
        long now = System.nanoTime();
        if (timeout.isZero() || timeout.toSeconds() > 100L * 365 * 24 * 3600) {
            return now + Long.MAX_VALUE / 2;
        }
        return now + timeout.toNanos();
    }

    static String human(Duration d) {
        if (d.isZero()) {
            return "no limit";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
