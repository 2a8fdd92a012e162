package org.capazos.imagegen.elf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An ELF string table ({@code .strtab}, {@code .shstrtab}): names once each, in first-use order. */
final class StringTable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Map<String, Integer> offsets = new HashMap<>();

    StringTable() {
        bytes.write(0);
        offsets.put("", 0);
    }

    /** The offset of {@code s}, added if new. */
    int add(String s) {
        Integer off = offsets.get(s);
        if (off != null) return off;
        int at = bytes.size();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        bytes.write(0);
        offsets.put(s, at);
        return at;
    }

    byte[] toArray() {
        return bytes.toByteArray();
    }
}
