package org.capazos.kernel.mm;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The usable-range rules of {@link UsableRanges} written the obvious way, independently of the routine's
 * algorithm: exact (BigInteger) arithmetic, and a sweep over every boundary deciding for each elementary
 * interval whether it is RAM in the window and in no reservation. The routine subtracts in place; agreeing on
 * thousands of random maps is the evidence that its algorithm implements these rules.
 */
final class SpanRulesModel {
    static final BigInteger PAGE = BigInteger.valueOf(4096);
    static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    /** A range of the input: base and size (unsigned 64-bit values). */
    record Range(long base, long size) { }

    /** The input of usable_build. */
    record Input(List<Range> memory, List<Range> reserved, long kernelBase, long kernelEnd, long dtbPa, long dtbSize,
                 long windowBase, long windowEnd, long paBits, int capacity, long memStride, long rsvStride) { }

    /** The result: an error code, or spans plus the layout outputs. */
    record Result(long code, List<long[]> spans, long ramLo, long ramHi, long limitPa, long metaPa, long metaPages) {
        static Result error(long code) {
            return new Result(code, List.of(), 0, 0, 0, 0, 0);
        }
    }

    /** A half-open interval of exact integers. */
    private record Iv(BigInteger start, BigInteger end) {
        boolean empty() {
            return start.compareTo(end) >= 0;
        }
    }

    private SpanRulesModel() { }

    static BigInteger u(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    static BigInteger floor(BigInteger v) {
        return v.subtract(v.mod(PAGE));
    }

    static BigInteger ceil(BigInteger v) {
        return floor(v.add(PAGE).subtract(BigInteger.ONE));
    }

    static BigInteger min(BigInteger a, BigInteger b) {
        return a.min(b);
    }

    static Result compute(Input in) {
        int m = in.memory().size(), r = in.reserved().size();
        if (m > in.capacity() || r > in.capacity()
                || (long) m + r + UsableRanges.IMPLICIT_RESERVATIONS > in.capacity()) return Result.error(MmError.E2BIG);
        for (long s : new long[] {in.memStride(), in.rsvStride()})
            if (s < 16 || s % 8 != 0) return Result.error(MmError.EINVAL);

        BigInteger paLimit = Long.compareUnsigned(in.paBits(), 64) >= 0 ? TWO64.subtract(PAGE)
                : BigInteger.ONE.shiftLeft((int) in.paBits());
        BigInteger limit = floor(min(u(in.windowEnd()), paLimit));
        BigInteger lo = u(in.windowBase());

        // RAM in the window, shrunk to whole pages
        List<Iv> ram = new ArrayList<>();
        BigInteger lowest = null;
        for (Range g : in.memory()) {
            if (g.size() == 0) continue;
            BigInteger b = u(g.base()), e = b.add(u(g.size()));
            if (lowest == null || b.compareTo(lowest) < 0) lowest = b;
            Iv iv = new Iv(ceil(b.max(lo)), floor(min(e, limit)));
            if (!iv.empty()) ram.add(iv);
        }
        List<Iv> ramSet = normalise(ram, List.of());
        if (ramSet.isEmpty()) return Result.error(MmError.ENOMEM);
        BigInteger ramLo = ramSet.get(0).start(), ramHi = ramSet.get(ramSet.size() - 1).end();
        long pages = ramHi.subtract(ramLo).shiftRight(12).longValueExact();
        long metaPages = Pmm.metaPages(pages);
        if (u(in.kernelEnd()).compareTo(limit) > 0) return Result.error(MmError.EMETA);
        BigInteger metaPa = ceil(u(in.kernelEnd()));
        BigInteger metaEnd = metaPa.add(BigInteger.valueOf(metaPages).shiftLeft(12));

        // reservations, widened to whole pages
        List<Iv> holes = new ArrayList<>();
        for (Range g : in.reserved())
            if (g.size() != 0) holes.add(widen(u(g.base()), u(g.base()).add(u(g.size()))));
        if (lowest.compareTo(u(in.kernelBase())) < 0) holes.add(widen(lowest, u(in.kernelBase())));
        if (Long.compareUnsigned(in.kernelBase(), in.kernelEnd()) < 0)
            holes.add(widen(u(in.kernelBase()), u(in.kernelEnd())));
        if (in.dtbSize() != 0) holes.add(widen(u(in.dtbPa()), u(in.dtbPa()).add(u(in.dtbSize()))));

        List<Iv> usable = normalise(ramSet, holes);
        boolean inside = usable.stream().anyMatch(iv -> iv.start().compareTo(metaPa) <= 0 && metaEnd.compareTo(iv.end()) <= 0);
        if (!inside) return Result.error(MmError.EMETA);
        holes.add(new Iv(metaPa, metaEnd));
        usable = normalise(ramSet, holes);

        List<long[]> spans = new ArrayList<>();
        for (Iv iv : usable) spans.add(new long[] {iv.start().longValue(), iv.end().longValue()});
        return new Result(spans.size(), spans, ramLo.longValue(), ramHi.longValue(), limit.longValue(),
                metaPa.longValue(), metaPages);
    }

    private static Iv widen(BigInteger b, BigInteger e) {
        return new Iv(floor(b), ceil(e));
    }

    /** The union of {@code in} minus the union of {@code out}, as sorted, merged intervals (a boundary sweep). */
    private static List<Iv> normalise(List<Iv> in, List<Iv> out) {
        TreeSet<BigInteger> points = new TreeSet<>();
        for (Iv iv : in) if (!iv.empty()) { points.add(iv.start()); points.add(iv.end()); }
        for (Iv iv : out) if (!iv.empty()) { points.add(iv.start()); points.add(iv.end()); }
        List<Iv> result = new ArrayList<>();
        BigInteger prev = null;
        for (BigInteger p : points) {
            if (prev != null) {
                BigInteger a = prev, b = p;
                boolean covered = in.stream().anyMatch(iv -> iv.start().compareTo(a) <= 0 && b.compareTo(iv.end()) <= 0);
                boolean holed = out.stream().anyMatch(iv -> iv.start().compareTo(a) <= 0 && b.compareTo(iv.end()) <= 0);
                if (covered && !holed) {
                    if (!result.isEmpty() && result.get(result.size() - 1).end().equals(a))
                        result.set(result.size() - 1, new Iv(result.get(result.size() - 1).start(), b));
                    else result.add(new Iv(a, b));
                }
            }
            prev = p;
        }
        return result;
    }
}
