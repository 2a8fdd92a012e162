package org.capazos.kernel.mm;

/**
 * The error codes of the memory-management routines: negative, so that {@code usable_build} can return a span
 * count or an error in one register, and every PMM routine returns 0 for success and one of these otherwise.
 */
public final class MmError {
    /** A malformed argument: a null pointer, a zero count, a stride below 16, an inconsistent layout. */
    public static final long EINVAL = -1;
    /** More input ranges than the output array can hold in the worst case (see {@link UsableRanges}). */
    public static final long E2BIG = -2;
    /** No usable memory, or not enough free pages for the request. */
    public static final long ENOMEM = -3;
    /** The PMM metadata pages after the kernel footprint are not wholly inside usable memory. */
    public static final long EMETA = -4;
    /** A PMM routine was called before {@code pmm_init} succeeded. */
    public static final long ENOINIT = -5;
    /** {@code pmm_free_page} of an address that is not page-aligned. */
    public static final long EALIGN = -6;
    /** {@code pmm_free_page} of a page that was never usable (outside the spans pmm_init was given). */
    public static final long ENOTUSABLE = -7;
    /** {@code pmm_free_page} of a page that is already free. */
    public static final long EDOUBLEFREE = -8;
    /** The counters say a page is free but the bitmap has none: the metadata was overwritten. */
    public static final long ECORRUPT = -9;

    private MmError() { }

    /** The name of an error code (for test messages). */
    public static String name(long code) {
        return switch ((int) code) {
            case 0 -> "OK";
            case -1 -> "EINVAL";
            case -2 -> "E2BIG";
            case -3 -> "ENOMEM";
            case -4 -> "EMETA";
            case -5 -> "ENOINIT";
            case -6 -> "EALIGN";
            case -7 -> "ENOTUSABLE";
            case -8 -> "EDOUBLEFREE";
            case -9 -> "ECORRUPT";
            default -> Long.toString(code);
        };
    }
}
