package org.capazos.dsl;

/** A 32-bit register where number 31 is the stack pointer: w0..w30 or wsp. */
public interface WOrSp { }
