package org.capazos.imagegen.out;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a reproducible {@code .tar.gz}: entries in the order added, each with the same fixed modification
 * time, owner {@code 0:0} ({@code root:root}) and mode, and a gzip header with a fixed time and no file name,
 * so the same files always give the same bytes.
 */
public final class BundleWriter {
    /** The modification time of every entry (the project's fixed build timestamp). */
    public static final Instant FIXED_TIME = Instant.parse("2026-01-01T00:00:00Z");

    private record Entry(byte[] bytes, int mode) { }

    private final String prefix;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** A bundle whose entries are under directory {@code prefix} (e.g. {@code capazos-0.1.0}). */
    public BundleWriter(String prefix) {
        this.prefix = prefix;
    }

    /** Adds a regular file (mode 0644). */
    public BundleWriter add(String name, byte[] bytes) {
        return add(name, bytes, 0644);
    }

    /** Adds a file with {@code mode} (e.g. 0755 for a script). */
    public BundleWriter add(String name, byte[] bytes, int mode) {
        if (entries.putIfAbsent(name, new Entry(bytes.clone(), mode)) != null)
            throw new IllegalArgumentException("bundle entry " + name + " added twice");
        return this;
    }

    /** The {@code .tar.gz} bytes. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GzipParameters gz = new GzipParameters();
        gz.setModificationInstant(FIXED_TIME);
        gz.setOperatingSystem(3); // Unix, whatever the build machine is
        gz.setCompressionLevel(9);
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes, gz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.putArchiveEntry(directory());
            tar.closeArchiveEntry();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry(prefix + "/" + e.getKey());
                fix(t, e.getValue().mode());
                t.setSize(e.getValue().bytes().length);
                tar.putArchiveEntry(t);
                tar.write(e.getValue().bytes());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private TarArchiveEntry directory() {
        TarArchiveEntry d = new TarArchiveEntry(prefix + "/");
        fix(d, 040755);
        return d;
    }

    private static void fix(TarArchiveEntry t, int mode) {
        t.setModTime(FIXED_TIME.toEpochMilli());
        t.setIds(0, 0);
        t.setNames("root", "root");
        t.setMode(mode | (t.isDirectory() ? 040000 : 0100000));
    }
}
