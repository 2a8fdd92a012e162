package org.capazos.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that boots QEMU: it runs once per backend chosen by {@code -Dcapaz.qemu}, with that
 * backend's {@link QemuLauncher} as a method parameter, and shows the backend in its name
 * ({@code [local]}, {@code [container]}).
 *
 * <pre>{@code
 * @QemuTest
 * void printsBanner(QemuLauncher qemu) {
 *     try (RunningMachine vm = VirtMachine.builder().kernel(image).boot(qemu)) {
 *         vm.awaitLine(Pattern.compile("CapazOS"), Duration.ofSeconds(10));
 *     }
 * }
 * }</pre>
 *
 * <p>See {@link QemuExtension} for the values of {@code capaz.qemu} and when a test is skipped.
 */
@Documented
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(QemuExtension.class)
public @interface QemuTest {}
