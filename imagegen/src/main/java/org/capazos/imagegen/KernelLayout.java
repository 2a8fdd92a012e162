package org.capazos.imagegen;

import org.capazos.imagegen.link.LinkedImage;
import org.capazos.imagegen.link.OutputSection;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the kernel is, as its link decided: what the boot stage is told through absolute symbols, so that no
 * address is typed twice.
 *
 * @param physBase       {@code __kernel_phys_base}: LOADADDR of the kernel's first section (lowest LMA)
 * @param virtBase       {@code __kernel_virt_base}: the VMA of that section
 * @param entry          {@code __kernel_entry}: the kernel's entry symbol's virtual address
 * @param imageSize      {@code __kernel_image_size}: the bytes of {@code kernel.bin}
 * @param runtimeEndPhys {@code __kernel_runtime_end_phys}: the physical end of the kernel including .bss,
 *                       rounded up to a 4 KiB page
 */
public record KernelLayout(long physBase, long virtBase, long entry, long imageSize, long runtimeEndPhys) {
    /** The page size the runtime end is rounded to. */
    public static final long PAGE = 4096;

    /** The layout of a linked kernel whose flat binary has {@code imageSize} bytes. */
    public static KernelLayout of(LinkedImage kernel, long imageSize) {
        if (kernel.allocatedSections().isEmpty())
            throw new LinkException(kernel.name() + ": the image has no sections (no input matched the script?)");
        OutputSection first = kernel.firstSection();
        long end = (kernel.memoryEnd() + PAGE - 1) & -PAGE;
        return new KernelLayout(first.lma(), first.vma(), kernel.entry(), imageSize, end);
    }

    /** The absolute symbols the boot stage is linked with, in a fixed order. */
    public Map<String, Long> defsyms() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("__kernel_phys_base", physBase);
        m.put("__kernel_virt_base", virtBase);
        m.put("__kernel_entry", entry);
        m.put("__kernel_image_size", imageSize);
        m.put("__kernel_runtime_end_phys", runtimeEndPhys);
        return m;
    }

    /** {@code kernel: physical base 0x40100000, virtual base 0xffff000040100000, entry 0x...}. */
    public String describe() {
        return String.format("kernel: physical base 0x%x, virtual base 0x%x, entry 0x%x", physBase, virtBase, entry);
    }
}
