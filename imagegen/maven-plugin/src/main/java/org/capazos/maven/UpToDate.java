package org.capazos.maven;

import org.capazos.dsl.build.BuildSwitches;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The image's inputs, fingerprinted: the project's classes and the jars they run with, the link scripts and
 * the switches. The stamp file records the fingerprint and the scripts it covered.
 */
final class UpToDate {
    private final Path stampFile;

    UpToDate(Path stampFile) {
        this.stampFile = stampFile;
    }

    boolean isCurrent(List<Path> classpath, BuildSwitches sw) throws IOException {
        if (!Files.isRegularFile(stampFile) || !Files.isRegularFile(stampFile.resolveSibling("kernel.img"))) return false;
        List<String> lines = Files.readAllLines(stampFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) return false;
        List<Path> scripts = new ArrayList<>();
        for (String s : lines.subList(1, lines.size())) scripts.add(Path.of(s));
        for (Path s : scripts) if (!Files.isRegularFile(s)) return false;
        return lines.get(0).equals(fingerprint(classpath, scripts, sw));
    }

    void write(List<Path> classpath, List<Path> scripts, BuildSwitches sw) throws IOException {
        StringBuilder b = new StringBuilder(fingerprint(classpath, scripts, sw)).append('\n');
        for (Path s : scripts) b.append(s.toAbsolutePath()).append('\n');
        Files.createDirectories(stampFile.getParent());
        Files.writeString(stampFile, b.toString(), StandardCharsets.UTF_8);
    }

    /** Every class directory and jar the builders run from, the scripts, and the switches. */
    static String fingerprint(List<Path> classpath, List<Path> scripts, BuildSwitches sw) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path element : classpath) {
            md.update(element.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            if (Files.isDirectory(element)) {
                try (Stream<Path> files = Files.walk(element)) {
                    for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                        md.update(element.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
                        md.update(Files.readAllBytes(p));
                    }
                }
            } else if (Files.isRegularFile(element)) {
                md.update(Files.readAllBytes(element));
            }
        }
        for (Path s : scripts) {
            md.update(s.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            md.update(Files.readAllBytes(s));
        }
        md.update(sw.values().toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }
}
