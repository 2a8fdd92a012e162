package org.capazos.dsl.layout;

import org.capazos.dsl.EncodingException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named fields of a 64-bit register or descriptor, each written once: values are built from field names
 * (checked against each field's width) and decoded back into them, for kernel code, for tests and for
 * reports.
 * <pre>{@code
 * long tcr = Layouts.TCR_EL1.with("T0SZ", 16).with("TG1", 2).with("IPS", 5).value();
 * Map<String, Long> esr = Layouts.ESR_EL1.decode(0x9600_0004L);   // {ISS=4, IL=1, EC=37}
 * }</pre>
 */
public final class BitLayout {
    /** A field: {@code width} bits from bit {@code lsb}. */
    public record Field(String name, int lsb, int width) {
        public long mask() {
            return (width == 64 ? -1L : (1L << width) - 1) << lsb;
        }

        /** {@code value} placed in the field; it must fit. */
        public long place(long value) {
            long max = width == 64 ? -1L : (1L << width) - 1;
            if (width < 64 && (value < 0 || value > max))
                throw new EncodingException("field " + name + " is " + width + " bits wide: " + value + " does not fit");
            return value << lsb;
        }

        /** The field's value in {@code register}. */
        public long extract(long register) {
            return (register & mask()) >>> lsb;
        }
    }

    private final String name;
    private final Map<String, Field> fields;

    private BitLayout(String name, Map<String, Field> fields) {
        this.name = name;
        this.fields = fields;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    public Field field(String field) {
        Field f = fields.get(field);
        if (f == null) throw new EncodingException(name + " has no field " + field + "; it has " + fields.keySet());
        return f;
    }

    /** The bit mask of a one-bit field, or the field's mask. */
    public long bit(String field) {
        return field(field).mask();
    }

    /** A value with {@code field} set to {@code value} (all other fields zero); chain with {@link Value#with}. */
    public Value with(String field, long value) {
        return new Value(this, 0).with(field, value);
    }

    /** A value of this layout, starting from {@code raw}. */
    public Value of(long raw) {
        return new Value(this, raw);
    }

    /** Every field's value in {@code register}, in bit order. */
    public Map<String, Long> decode(long register) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Field f : fields.values()) out.put(f.name(), f.extract(register));
        return out;
    }

    /** {@code NAME(A=1 B=0x3 ...)}: the non-zero fields. */
    public String describe(long register) {
        StringBuilder b = new StringBuilder(name).append('(');
        String sep = "";
        for (Field f : fields.values()) {
            long v = f.extract(register);
            if (v == 0) continue;
            b.append(sep).append(f.name()).append('=').append(v < 10 ? Long.toString(v) : "0x" + Long.toHexString(v));
            sep = " ";
        }
        return b.append(')').toString();
    }

    /** A register value being built. */
    public record Value(BitLayout layout, long value) {
        public Value with(String field, long v) {
            Field f = layout.field(field);
            return new Value(layout, value & ~f.mask() | f.place(v));
        }

        /** Sets a one-bit field. */
        public Value set(String field) {
            return with(field, 1);
        }
    }

    public static final class Builder {
        private final String name;
        private final List<Field> fields = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** A field of {@code width} bits at {@code lsb}; fields may not overlap. */
        public Builder field(String field, int lsb, int width) {
            Field f = new Field(field, lsb, width);
            if (lsb < 0 || width < 1 || lsb + width > 64)
                throw new IllegalArgumentException(name + "." + field + ": bits " + lsb + "+" + width + " outside 0..63");
            for (Field o : fields)
                if ((o.mask() & f.mask()) != 0 || o.name().equals(field))
                    throw new IllegalArgumentException(name + "." + field + " overlaps " + o.name());
            fields.add(f);
            return this;
        }

        /** A one-bit field. */
        public Builder bit(String field, int bit) {
            return field(field, bit, 1);
        }

        public BitLayout build() {
            Map<String, Field> m = new LinkedHashMap<>();
            fields.stream().sorted((a, b) -> Integer.compare(a.lsb(), b.lsb())).forEach(f -> m.put(f.name(), f));
            return new BitLayout(name, m);
        }
    }
}
