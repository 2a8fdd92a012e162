package org.capazos.imagegen.link;

/** What the linker does with an allocatable input section that no output section description matches. */
public enum OrphanPolicy {
    /**
     * Like GNU ld's fallback: each orphan name becomes an output section of its own, placed right after the
     * last output section description of the script (in the order the names first appear), and is marked as
     * an orphan in the map.
     */
    PLACE,
    /** An error naming every orphan section and its module. */
    ERROR
}
