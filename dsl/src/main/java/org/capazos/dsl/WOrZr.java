package org.capazos.dsl;

/** A 32-bit register where number 31 is the zero register: w0..w30 or wzr. */
public interface WOrZr { }
