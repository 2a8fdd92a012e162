package org.capazos.dsl.build;

import java.util.List;

/**
 * What a project's kernel image is made of, for {@code capaz-maven-plugin}'s {@code image} goal (and for
 * anything else that builds images). Implement it in your project (one public class with a public no-argument
 * constructor); the plugin finds it among the project's classes, runs it and links what it returns.
 * <pre>{@code
 * public final class HelloImage implements ImageDefinition {
 *     public List<Stage> stages(BuildSwitches switches) {
 *         return List.of(new Stage("hello", "hello.ld", List.of(Hello.build())));
 *     }
 * }
 * }</pre>
 * One stage gives {@code <name>.elf}, {@code <name>.bin} and {@code kernel.img} (the flat binary). Two stages
 * give a boot stage and a kernel: the kernel is linked first, the boot stage learns where the kernel is
 * through {@code __kernel_*} symbols, and {@code kernel.img} is boot + padding + kernel.
 */
public interface ImageDefinition {
    /** The stages, in image order. Link-script paths are relative to the project's base directory. */
    List<Stage> stages(BuildSwitches switches) throws Exception;

    /** The version recorded in the bundle's name; null for the project's version. */
    default String version() {
        return null;
    }
}
