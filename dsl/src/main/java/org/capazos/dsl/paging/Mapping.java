package org.capazos.dsl.paging;

/**
 * How a range is mapped: memory type, access and execution rights, and privilege.
 *
 * @param device     device memory (nGnRnE, never executable) rather than normal write-back memory
 * @param writable   EL1 (and EL0 if {@code user}) may write
 * @param executable instructions may be fetched (at EL1, or at EL0 if {@code user})
 * @param user       EL0 may access
 */
public record Mapping(boolean device, boolean writable, boolean executable, boolean user) {
    public static final Mapping KERNEL_RWX = new Mapping(false, true, true, false);
    public static final Mapping KERNEL_RW = new Mapping(false, true, false, false);
    public static final Mapping KERNEL_RX = new Mapping(false, false, true, false);
    public static final Mapping KERNEL_RO = new Mapping(false, false, false, false);
    public static final Mapping DEVICE = new Mapping(true, true, false, false);

    /** The lower and upper attribute bits of a block or page descriptor for this mapping. */
    public long attributes() {
        long d = Descriptor.AF;
        if (device) d |= (long) Descriptor.ATTR_DEVICE << Descriptor.ATTR_INDEX_SHIFT;
        else d |= (long) Descriptor.ATTR_NORMAL << Descriptor.ATTR_INDEX_SHIFT | Descriptor.SH_INNER;
        if (!writable) d |= Descriptor.AP_RO;
        if (user) d |= Descriptor.AP_EL0;
        boolean kernelExec = executable && !user && !device;
        boolean userExec = executable && user && !device;
        if (!kernelExec) d |= Descriptor.PXN;
        if (!userExec) d |= Descriptor.UXN;
        return d;
    }

    /** The mapping a descriptor's attribute bits describe (the inverse of {@link #attributes}). */
    public static Mapping of(long descriptor) {
        boolean device = (descriptor & Descriptor.ATTR_INDEX_MASK) >>> Descriptor.ATTR_INDEX_SHIFT == Descriptor.ATTR_DEVICE;
        boolean user = (descriptor & Descriptor.AP_EL0) != 0;
        boolean writable = (descriptor & Descriptor.AP_RO) == 0;
        boolean exec = user ? (descriptor & Descriptor.UXN) == 0 : (descriptor & Descriptor.PXN) == 0;
        return new Mapping(device, writable, exec, user);
    }
}
