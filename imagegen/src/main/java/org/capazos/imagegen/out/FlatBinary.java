package org.capazos.imagegen.out;

import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.OutputSection;

import java.util.List;

/**
 * The flat binary of a linked image (like {@code objcopy -O binary}): the bytes of every section that has file
 * contents, placed by load address, from the lowest such LMA to the highest loaded byte, gaps filled with
 * zeros. NOBITS sections (.bss) are not included.
 */
public final class FlatBinary {
    /** Refuse images whose flat form would be larger than this (a sign of a wrong address). */
    public static final long MAX_SIZE = 512L << 20;

    private FlatBinary() { }

    /** The flat bytes of {@code image}. */
    public static byte[] of(LinkedImage image) {
        List<OutputSection> loaded = image.sections().stream().filter(OutputSection::isLoaded).toList();
        if (loaded.isEmpty()) return new byte[0];
        long base = image.lowestLoadAddress(), end = image.loadedEnd();
        long size = end - base;
        if (size > MAX_SIZE)
            throw new LinkException(String.format("%s: the flat binary would span 0x%x bytes (load addresses 0x%x to "
                    + "0x%x); check the AT() addresses of the link script", image.name(), size, base, end));
        byte[] out = new byte[(int) size];
        for (int i = 0; i < loaded.size(); i++) {
            OutputSection s = loaded.get(i);
            for (int j = 0; j < i; j++) {
                OutputSection o = loaded.get(j);
                if (Long.compareUnsigned(s.lma(), o.lmaEnd()) < 0 && Long.compareUnsigned(o.lma(), s.lmaEnd()) < 0)
                    throw new LinkException(String.format("%s: sections %s [0x%x, 0x%x) and %s [0x%x, 0x%x) overlap at "
                                    + "their load addresses", image.name(), o.name(), o.lma(), o.lmaEnd(), s.name(),
                            s.lma(), s.lmaEnd()));
            }
            System.arraycopy(s.bytes(), 0, out, (int) (s.lma() - base), s.bytes().length);
        }
        return out;
    }
}
