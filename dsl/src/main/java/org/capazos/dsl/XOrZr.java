package org.capazos.dsl;

/** A 64-bit register where number 31 is the zero register: x0..x30 or xzr. */
public interface XOrZr { }
