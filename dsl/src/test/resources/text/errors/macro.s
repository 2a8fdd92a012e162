        .text
        .macro  broken a, b
        add     \a, \b, #1
        nop
