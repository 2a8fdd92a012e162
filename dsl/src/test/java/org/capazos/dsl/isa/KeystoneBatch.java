package org.capazos.dsl.isa;

import keystone.Keystone;
import keystone.KeystoneArchitecture;
import keystone.KeystoneEncoded;
import keystone.KeystoneMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles many lines with Keystone (AArch64, little-endian), in chunks; a chunk that fails is split in two
 * until the failing lines stand alone (Keystone rejects a whole input for one bad line).
 * <p>Keystone reads a branch target written as {@code #n} as an absolute address, not an offset: lines with a
 * branch target must be assembled at address 0, one at a time ({@link #assembleEachAtZero}).
 */
public final class KeystoneBatch implements AutoCloseable {
    private final Keystone ks = new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian);

    /** The word Keystone made of a line, or its error. */
    public record Result(Integer word, String error) {
        public boolean ok() {
            return word != null;
        }
    }

    public List<Result> assemble(List<String> lines) {
        Result[] out = new Result[lines.size()];
        for (int from = 0; from < lines.size(); from += 512) chunk(lines, from, Math.min(lines.size(), from + 512), out);
        return Arrays.asList(out);
    }

    public List<Result> assembleEachAtZero(List<String> lines) {
        List<Result> out = new ArrayList<>();
        for (String l : lines) out.add(one(l));
        return out;
    }

    private void chunk(List<String> lines, int from, int to, Result[] out) {
        if (to - from == 1) {
            out[from] = one(lines.get(from));
            return;
        }
        try {
            KeystoneEncoded e = ks.assemble(String.join("\n", lines.subList(from, to)));
            byte[] b = e.getMachineCode();
            if (b.length == 4 * (to - from)) {
                for (int k = from; k < to; k++) out[k] = new Result(word(b, 4 * (k - from)), null);
                return;
            }
        } catch (RuntimeException e) {
            // fall through: find the culprits
        }
        int mid = (from + to) >>> 1;
        chunk(lines, from, mid, out);
        chunk(lines, mid, to, out);
    }

    private Result one(String line) {
        try {
            byte[] b = ks.assemble(line).getMachineCode();
            if (b.length != 4) return new Result(null, b.length + " bytes");
            return new Result(word(b, 0), null);
        } catch (RuntimeException e) {
            String m = e.getMessage();
            int at = m == null ? -1 : m.lastIndexOf(" : ");
            return new Result(null, at >= 0 ? m.substring(at + 3) : String.valueOf(m));
        }
    }

    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    @Override
    public void close() {
        ks.close();
    }
}
