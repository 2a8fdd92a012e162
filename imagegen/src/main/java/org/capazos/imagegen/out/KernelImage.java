package org.capazos.imagegen.out;

import org.capazos.imagegen.LinkException;

/**
 * Builds {@code kernel.img}, the raw image QEMU loads with {@code -kernel}: the boot stage's flat binary, zero
 * padding up to the kernel's physical base, then the kernel's flat binary.
 */
public final class KernelImage {
    private KernelImage() { }

    /**
     * The image bytes.
     *
     * @param boot           the boot stage's flat binary
     * @param bootBase       the boot stage's load address (lowest LMA)
     * @param bootMemoryEnd  the end of everything the boot stage occupies in memory (including its .bss)
     * @param kernel         the kernel's flat binary
     * @param kernelPhysBase the kernel's physical load address (lowest LMA)
     * @throws LinkException if the boot stage (bytes or .bss) would overlap the kernel
     */
    public static byte[] of(byte[] boot, long bootBase, long bootMemoryEnd, byte[] kernel, long kernelPhysBase) {
        long bootEnd = Math.max(bootBase + boot.length, bootMemoryEnd);
        if (Long.compareUnsigned(kernelPhysBase, bootBase) < 0)
            throw new LinkException(String.format("kernel.img: the kernel's physical base 0x%x is below the boot "
                    + "stage's load address 0x%x", kernelPhysBase, bootBase));
        if (Long.compareUnsigned(bootEnd, kernelPhysBase) > 0)
            throw new LinkException(String.format("kernel.img: the boot stage [0x%x, 0x%x) overlaps the kernel, which "
                    + "starts at physical address 0x%x (by 0x%x bytes): move the kernel up in kernel.ld or shrink the "
                    + "boot stage", bootBase, bootEnd, kernelPhysBase, bootEnd - kernelPhysBase));
        long gap = kernelPhysBase - bootBase;
        if (gap + kernel.length > FlatBinary.MAX_SIZE)
            throw new LinkException(String.format("kernel.img would be 0x%x bytes: the kernel's physical base 0x%x is "
                    + "too far from the boot stage at 0x%x", gap + kernel.length, kernelPhysBase, bootBase));
        byte[] out = new byte[(int) (gap + kernel.length)];
        System.arraycopy(boot, 0, out, 0, boot.length);
        System.arraycopy(kernel, 0, out, (int) gap, kernel.length);
        return out;
    }
}
