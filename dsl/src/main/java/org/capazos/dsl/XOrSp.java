package org.capazos.dsl;

/** A 64-bit register where number 31 is the stack pointer: x0..x30 or sp. */
public interface XOrSp { }
