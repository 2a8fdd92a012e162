package org.capazos.harness;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The {@link Backend#CONTAINER} launcher: QEMU in a Docker container, via Testcontainers.
 *
 * <p>The image is built (once, then cached by Docker under a tag derived from the Dockerfile's
 * text) from {@code src/main/docker/Dockerfile}, which is on the classpath as
 * {@value #DOCKERFILE_RESOURCE}. The build runs with the host's network so that its
 * {@code apt-get} works on an engine without a bridge network. {@code -Dcapaz.qemu.baseImage=...}
 * replaces its {@code FROM} image. A machine runs with network mode {@code none} (or {@code host}
 * when it has a gdb port), the files it loads copied in, its serial console read from the
 * container's stdout and its exit status taken from the container's.
 */
final class ContainerQemu implements QemuLauncher {

    static final String DOCKERFILE_RESOURCE = "org/capazos/harness/docker/Dockerfile";
    static final String BASE_IMAGE_PROPERTY = "capaz.qemu.baseImage";
    private static final String GUEST_DIR = "/guest/";

    private static volatile ContainerQemu defaultInstance;
    private static volatile Optional<String> dockerProblem;

    private final String dockerfile;
    private String image;

    /** A launcher whose image is built from {@code dockerfile} (the text of a Dockerfile). */
    ContainerQemu(String dockerfile) {
        this.dockerfile = dockerfile;
    }

    /** The launcher for the module's own Dockerfile. */
    static ContainerQemu defaultInstance() {
        if (defaultInstance == null) {
            synchronized (ContainerQemu.class) {
                if (defaultInstance == null) {
                    defaultInstance = new ContainerQemu(bundledDockerfile());
                }
            }
        }
        return defaultInstance;
    }

    static String bundledDockerfile() {
        try (InputStream in = ContainerQemu.class.getClassLoader().getResourceAsStream(DOCKERFILE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + DOCKERFILE_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why no Docker engine can be used, in one line; probed once per JVM. */
    static Optional<String> unavailableReason() {
        if (dockerProblem == null) {
            synchronized (ContainerQemu.class) {
                if (dockerProblem == null) {
                    dockerProblem = probeDocker();
                }
            }
        }
        return dockerProblem;
    }

    private static Optional<String> probeDocker() {
        try {
            DockerClientFactory.instance().client();
            return Optional.empty();
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
            return Optional.of("no Docker engine answers (" + why
                    + "); install docker.io and start dockerd (CI: .ci/docker-setup.sh)");
        }
    }

    @Override
    public Backend backend() {
        return Backend.CONTAINER;
    }

    @Override
    public RunningMachine boot(VirtMachine machine) {
        return start(machine, null);
    }

    @Override
    public int runInForeground(VirtMachine machine) {
        try (RunningMachine running = start(machine, System.out)) {
            return running.awaitExit(java.time.Duration.ZERO);
        }
    }

    /** The tag of the QEMU image, built on first use. */
    synchronized String image() {
        if (image != null) {
            return image;
        }
        unavailableReason().ifPresent(problem -> {
            throw new QemuUnavailableException("container backend: " + problem);
        });
        String baseImage = System.getProperty(BASE_IMAGE_PROPERTY, "");
        String tag = "capaz-qemu:" + shortHash(dockerfile + "\n" + baseImage);
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(tag).exec();
        } catch (NotFoundException notBuiltYet) {
            ImageFromDockerfile build = new ImageFromDockerfile(tag, false)
                    .withFileFromString("Dockerfile", dockerfile)
                    .withBuildImageCmdModifier(cmd -> cmd.withNetworkMode("host").withForcerm(true));
            if (!baseImage.isEmpty()) {
                build.withBuildArg("BASE_IMAGE", baseImage);
            }
            try {
                build.get();
            } catch (RuntimeException e) {
                throw new QemuUnavailableException("container backend: building the QEMU image " + tag
                        + " from its Dockerfile failed: " + rootMessage(e), e);
            }
        }
        image = tag;
        return tag;
    }

    /** Starts QEMU in a new container; {@code echo} also gets the serial bytes as they come. */
    RunningMachine start(VirtMachine machine, OutputStream echo) {
        String imageTag = image();
        Map<Path, String> guestPaths = new LinkedHashMap<>();
        for (Path file : machine.files()) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file for QEMU: " + file.toAbsolutePath());
            }
            String name = file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
            guestPaths.put(file, GUEST_DIR + guestPaths.size() + "-" + name);
        }
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(imageTag))
                .withNetworkMode(machine.gdbPort().isPresent() ? "host" : "none")
                .withCommand(machine.qemuArguments(guestPaths::get).toArray(String[]::new))
                .withStartupCheckStrategy(new RunningOrExited())
                .waitingFor(new NoWait());
        guestPaths.forEach((host, guest) -> container.withCopyFileToContainer(MountableFile.forHostPath(host), guest));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new QemuUnavailableException("container backend: cannot start QEMU's container: " + rootMessage(e), e);
        }

        DockerClient docker = container.getDockerClient();
        String id = container.getContainerId();
        SerialLog serial = new SerialLog(echo);
        SerialLog messages = new SerialLog(null);
        LogReader logs = docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                .exec(new LogReader(serial, messages));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        LocalQemu.daemon("qemu-container-wait-" + id.substring(0, 12), () -> {
            try {
                int status = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
                logs.awaitEnd();
                exit.complete(status);
            } catch (RuntimeException e) {
                logs.awaitEnd();
                exit.completeExceptionally(e);
            }
        });
        Runnable kill = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (!done) {
                    done = true;
                    container.stop();
                }
            }
        };
        return new RunningMachine("QEMU [container]", machine, serial, messages, exit, kill);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage().strip();
        return message.replace('\n', ' ');
    }

    /** Feeds the container's stdout to the serial log and its stderr to QEMU's messages. */
    private static final class LogReader extends ResultCallback.Adapter<Frame> {
        private final SerialLog serial;
        private final SerialLog messages;

        LogReader(SerialLog serial, SerialLog messages) {
            this.serial = serial;
            this.messages = messages;
        }

        @Override
        public void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload != null) {
                (frame.getStreamType() == StreamType.STDERR ? messages : serial).append(payload, 0, payload.length);
            }
        }

        @Override
        public void onComplete() {
            endLogs();
            super.onComplete();
        }

        @Override
        public void onError(Throwable error) {
            endLogs();
            super.onError(error);
        }

        private void endLogs() {
            serial.end();
            messages.end();
        }

        /** Waits (briefly: the container has stopped) for the log stream to end, then ends the logs anyway. */
        void awaitEnd() {
            try {
                awaitCompletion(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            endLogs();
        }
    }

    /** QEMU may already have exited when Testcontainers checks: both running and exited count as started. */
    private static final class RunningOrExited extends StartupCheckStrategy {
        @Override
        public StartupStatus checkStartupState(DockerClient docker, String containerId) {
            InspectContainerResponse.ContainerState state = getCurrentState(docker, containerId);
            if (Boolean.TRUE.equals(state.getRunning()) || state.getFinishedAt() != null
                    && !state.getFinishedAt().startsWith("0001-")) {
                return StartupStatus.SUCCESSFUL;
            }
            return StartupStatus.NOT_YET_KNOWN;
        }
    }

    /** There is nothing to wait for: the serial console is awaited by {@link RunningMachine#awaitLine}. */
    private static final class NoWait extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {}
    }
}
