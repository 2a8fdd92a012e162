package org.capazos.harness;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the container backend says when its image cannot be built. */
class ContainerBackendTest {

    @TempDir
    Path dir;

    @Test
    void brokenDockerfileFailsWithAClearMessage() {
        QemuExtension.launcher(Backend.CONTAINER); // skips or fails here when Docker cannot run
        ContainerQemu broken = new ContainerQemu("FROM debian:bookworm-slim\nRUN echo 'no QEMU here' && exit 3\n");
        Path kernel = TestKernels.write(dir, "k.img", "never\n", TestKernels.Ending.HANG);
        QemuUnavailableException failure = assertThrows(QemuUnavailableException.class,
                () -> VirtMachine.builder().kernel(kernel).boot(broken));
        String message = failure.getMessage();
        assertTrue(message.startsWith("container backend: building the QEMU image capaz-qemu:"), message);
        assertTrue(message.contains("from its Dockerfile failed"), message);
        assertTrue(message.contains("exit 3") && message.contains("non-zero code: 3"), message);
        assertTrue(!message.contains("\n"), "one line: " + message);
    }

    @Test
    void bundledDockerfileInstallsQemuWithoutRecommends() {
        String dockerfile = ContainerQemu.bundledDockerfile();
        assertTrue(dockerfile.contains("ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}"), dockerfile);
        assertTrue(dockerfile.contains("apt-get install -y --no-install-recommends qemu-system-arm"), dockerfile);
    }
}
