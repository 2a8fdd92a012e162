        .text
        b       .Lnowhere
        mov     x0, #UNDEFINED_CONST
        cbz     x1, 7f
        .skip   later_label - 4
later_label:
        ret
