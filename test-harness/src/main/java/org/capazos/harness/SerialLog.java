package org.capazos.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Output of one QEMU stream (serial console or QEMU's own stderr), kept whole and split into lines.
 * Written by one reader thread, read and awaited by any thread.
 */
final class SerialLog {

    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final OutputStream echo;
    private boolean ended;

    /** @param echo where every byte is also copied as it arrives (e.g. the terminal), or null */
    SerialLog(OutputStream echo) {
        this.echo = echo;
    }

    synchronized void append(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                completeLine();
            } else {
                partialLine.write(bytes[i]);
            }
        }
        if (echo != null) {
            try {
                echo.write(bytes, offset, length);
                echo.flush();
            } catch (IOException ignored) {
                // the terminal went away; the log is still kept
            }
        }
        notifyAll();
    }

    /** The stream reached its end: an unterminated last line counts as a line. */
    synchronized void end() {
        if (partialLine.size() > 0) {
            completeLine();
        }
        ended = true;
        notifyAll();
    }

    private void completeLine() {
        String line = partialLine.toString(StandardCharsets.UTF_8);
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        partialLine.reset();
    }

    synchronized boolean ended() {
        return ended;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything so far, including an unterminated last line. */
    synchronized String text() {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        return text.append(partialLine.toString(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Waits for a complete line at index {@code from} or later in which {@code pattern} is found.
     *
     * @return the index of that line, or -1 if the deadline ({@link System#nanoTime()}) passed or
     *     the stream ended first
     */
    synchronized int awaitLine(Pattern pattern, int from, long deadlineNanos) throws InterruptedException {
        for (int next = from; ; ) {
            for (; next < lines.size(); next++) {
                if (pattern.matcher(lines.get(next)).find()) {
                    return next;
                }
            }
            long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (ended || leftMillis <= 0) {
                return -1;
            }
            wait(leftMillis);
        }
    }
}
