package org.capazos.maven;

import org.apache.maven.plugins.annotations.Mojo;

/**
 * Boots the image halted, with QEMU's gdb stub on {@code DEBUG_PORT} (default 1234), and prints the
 * {@code gdb-multiarch} command with the symbol files to load.
 */
@Mojo(name = "debug", threadSafe = true, requiresProject = true)
public class DebugMojo extends RunMojo {
    @Override
    String mode() {
        return "debug";
    }
}
