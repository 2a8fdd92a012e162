package org.capazos.dsl.text;

/**
 * A symbol of {@link SourceAssembler}: a label (a section and an offset), an assigned expression ({@code .equ},
 * {@code .set}, {@code =}) or not (yet) defined. Anonymous symbols stand for {@code .}, numeric local labels and
 * literal-pool entries; they and {@code .L} names are temporary: never written to the symbol table.
 */
final class AsmSymbol {
    static final int UNDEFINED = 0, LABEL = 1, ASSIGNED = 2;
    static final int NOTYPE = 0, FUNC = 1, OBJECT = 2;

    /** The name, or a description such as {@code 1f} for temporaries that have none. */
    final String name;
    final boolean temporary;
    int kind = UNDEFINED;
    AsmSection section;
    int offset;
    Expression.Node value;
    boolean global, weak, explicitLocal;
    int type = NOTYPE;
    long size;
    /** Where it was first referenced (for "undefined" errors), and where it was defined (for "defined twice"). */
    SourceAssembler.Where firstUse;
    int firstUseColumn;
    SourceAssembler.Where definedAt;
    /** Order of definition, for the symbol table. */
    int order = -1;
    boolean evaluating;
    /** {@code .equiv}: a redefinition is an error. */
    boolean fixedValue;
    /** The name of a section: a label at its start that is not written to the symbol table. */
    boolean sectionName;

    AsmSymbol(String name, boolean temporary) {
        this.name = name;
        this.temporary = temporary;
    }

    boolean isLocalBinding() {
        return !global && !weak;
    }

    @Override
    public String toString() {
        return name;
    }
}
