package org.capazos.imagegen.link;

import org.capazos.dsl.module.ModuleSymbol;

/**
 * A symbol of a linked image, with its final value.
 *
 * @param name    the name
 * @param value   the address (or absolute value)
 * @param size    the size in bytes, 0 if unknown
 * @param type    function, object or none
 * @param binding local, global or weak (locals are module-local labels and {@code PROVIDE_HIDDEN} symbols)
 * @param section the output section it is in, or null for an absolute symbol
 * @param module  the defining module, or null for symbols of the link script and defsyms
 */
public record LinkedSymbol(String name, long value, long size, ModuleSymbol.Type type, ModuleSymbol.Binding binding,
                           String section, String module) {
    /** True for symbols visible across modules (global or weak). */
    public boolean isGlobal() {
        return binding != ModuleSymbol.Binding.LOCAL;
    }
}
