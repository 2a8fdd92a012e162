        .text
        .macro  twice reg, imm
        add     \reg, \reg, #\imm
        add     \reg, \reg, #\imm
        .endm
        twice   x0, 1
        twice   x1, 5000
