package org.capazos.imagegen.script;

/**
 * A region of a {@code MEMORY} command: {@code name (attributes) : ORIGIN = origin, LENGTH = length}.
 * Attributes are kept but not used (there is no attribute-based orphan placement).
 */
public record MemoryRegion(String name, String attributes, Expr origin, Expr length, SourceLocation at) { }
