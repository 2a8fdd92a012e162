package org.capazos.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A C-like struct layout, described once and used everywhere: field offsets for loads and stores, the total
 * size for allocation, and initialised instances as data. Fields are naturally aligned, as a C compiler for
 * AArch64 would lay them out.
 * <pre>{@code
 * static final Struct BOOT_INFO = Struct.named("boot_info").u64("magic").u64("dtb_pa").build();
 * a.ldr(x1, BOOT_INFO.at(x0, "dtb_pa"));
 * }</pre>
 */
public final class Struct {
    /** A field: its offset, size in bytes, element count (1 unless an array) and nested struct (or null). */
    public record Field(String name, long offset, int size, int count, Struct nested) { }

    private final String name;
    private final Map<String, Field> fields;
    private final long size;
    private final int alignment;

    private Struct(String name, Map<String, Field> fields, long size, int alignment) {
        this.name = name;
        this.fields = fields;
        this.size = size;
        this.alignment = alignment;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The size in bytes, padded to the alignment. */
    public long size() {
        return size;
    }

    public int alignment() {
        return alignment;
    }

    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    /** The byte offset of {@code field}; nested fields as {@code "outer.inner"}. */
    public long offset(String field) {
        int dot = field.indexOf('.');
        if (dot >= 0) {
            Field outer = field(field.substring(0, dot));
            return outer.offset + outer.nested.offset(field.substring(dot + 1));
        }
        return field(field).offset;
    }

    public Field field(String field) {
        Field f = fields.get(field);
        if (f == null) throw new EncodingException("struct " + name + " has no field '" + field + "'; it has "
                + fields.keySet() + " (at " + CallSite.find() + ")");
        return f;
    }

    /** {@code [base, #offsetof(field)]}: a memory operand for the field of the struct at {@code base}. */
    public Mem at(XOrSp base, String field) {
        return Mem.mem(base, offset(field));
    }

    /** {@code [base, #offsetof(field[index])]} for an array field. */
    public Mem at(XOrSp base, String field, int index) {
        Field f = field(field);
        if (index < 0 || index >= f.count) throw new EncodingException("index " + index + " out of bounds of "
                + name + "." + field + "[" + f.count + "] (at " + CallSite.find() + ")");
        return Mem.mem(base, f.offset + (long) index * f.size);
    }

    /** An instance as bytes (little-endian), fields not given are zero. */
    public byte[] instance(Map<String, Long> values) {
        byte[] b = new byte[(int) size];
        for (Map.Entry<String, Long> e : values.entrySet()) {
            Field f = field(e.getKey());
            for (int i = 0; i < f.size; i++) b[(int) f.offset + i] = (byte) (e.getValue() >>> (8 * i));
        }
        return b;
    }

    public static final class Builder {
        private final String name;
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private final List<String> order = new ArrayList<>();
        private long offset;
        private int alignment = 1;

        private Builder(String name) {
            this.name = name;
        }

        private Builder add(String field, int size, int align, int count, Struct nested) {
            if (fields.containsKey(field)) throw new EncodingException("struct " + name + ": field " + field
                    + " declared twice (at " + CallSite.find() + ")");
            offset = (offset + align - 1) & -align;
            fields.put(field, new Field(field, offset, size, count, nested));
            order.add(field);
            offset += (long) size * count;
            alignment = Math.max(alignment, align);
            return this;
        }

        public Builder u8(String field) {
            return add(field, 1, 1, 1, null);
        }

        public Builder u16(String field) {
            return add(field, 2, 2, 1, null);
        }

        public Builder u32(String field) {
            return add(field, 4, 4, 1, null);
        }

        public Builder u64(String field) {
            return add(field, 8, 8, 1, null);
        }

        /** {@code uint64_t field[count]} */
        public Builder u64Array(String field, int count) {
            return add(field, 8, 8, count, null);
        }

        /** {@code uint32_t field[count]} */
        public Builder u32Array(String field, int count) {
            return add(field, 4, 4, count, null);
        }

        /** A nested struct (or an array of them). */
        public Builder struct(String field, Struct s, int count) {
            return add(field, (int) s.size, s.alignment, count, s);
        }

        public Struct build() {
            long size = (offset + alignment - 1) & -(long) alignment;
            return new Struct(name, new LinkedHashMap<>(fields), size, alignment);
        }
    }
}
