package org.capazos.maven;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.capazos.dsl.build.BuildSwitches;
import org.capazos.dsl.build.ImageDefinition;
import org.capazos.dsl.build.Stage;
import org.capazos.imagegen.ImageBuild;
import org.capazos.imagegen.LinkException;
import org.capazos.imagegen.SingleStageBuild;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the project's kernel image: finds its {@link ImageDefinition} among the compiled classes, runs the
 * builders, links the stages with their scripts and writes the ELF files, flat binaries, {@code kernel.img},
 * maps, listings and (for two stages) the bundle. Skipped when neither the classes, the scripts nor the build
 * switches changed since the last build.
 */
@Mojo(name = "image", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.COMPILE,
        threadSafe = true)
public class ImageMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    /** Where the outputs go. */
    @Parameter(property = "capaz.outputDirectory", defaultValue = "${project.basedir}/build")
    File outputDirectory;

    /** The ImageDefinition class; found among the project's classes when there is exactly one. */
    @Parameter(property = "capaz.definition")
    String definition;

    /** Build switches and their default values; each can be overridden by a -D property or the environment. */
    @Parameter
    Map<String, String> switches = new LinkedHashMap<>();

    /** Rebuild even when up to date. */
    @Parameter(property = "capaz.force", defaultValue = "false")
    boolean force;

    @Parameter(property = "capaz.skip", defaultValue = "false")
    boolean skip;

    /** The switches every CapazOS project understands. */
    static final List<String> STANDARD_SWITCHES = List.of("KMAIN_DEBUG", "CAPAZ_FAULT_TEST");

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("capaz:image skipped");
            return;
        }
        BuildSwitches sw = resolveSwitches();
        Path classes = Path.of(project.getBuild().getOutputDirectory());
        Path out = outputDirectory.toPath();
        List<Path> classpath = classpath();
        UpToDate stamp = new UpToDate(out.resolve(".capaz-image.stamp"));
        try {
            if (!force && stamp.isCurrent(classpath, sw)) {
                getLog().info("capaz:image: " + out + " is up to date (classes, link scripts and switches unchanged)");
                return;
            }
        } catch (IOException e) {
            getLog().debug("up-to-date check failed: " + e);
        }
        try (URLClassLoader loader = projectClassLoader()) {
            ImageDefinition def = DefinitionFinder.find(loader, classes, definition);
            List<Stage> stages;
            try {
                stages = def.stages(sw);
            } catch (Throwable t) {
                throw UserError.from(t, loader, "the image definition " + def.getClass().getName() + " failed");
            }
            List<Path> scripts = new ArrayList<>();
            for (Stage s : stages) {
                Path script = project.getBasedir().toPath().resolve(s.linkScript());
                if (!Files.isRegularFile(script))
                    throw new MojoFailureException("link script not found: " + script + " (stage " + s.name() + ")");
                scripts.add(script);
            }
            String version = def.version() != null ? def.version() : project.getVersion();
            if (stages.size() == 1) {
                SingleStageBuild.Result r = new SingleStageBuild(scripts.get(0), out).build(stages.get(0).name(),
                        stages.get(0).modules());
                getLog().info("capaz:image: " + stages.get(0).name() + " linked, kernel.img " + r.image().length + " bytes");
            } else if (stages.size() == 2) {
                new ImageBuild(scripts.get(0), scripts.get(1), out).version(version)
                        .build(stages.get(0).modules(), stages.get(1).modules());
            } else {
                throw new MojoFailureException("an image has one stage (a flat image) or two (boot + kernel), not "
                        + stages.size());
            }
            stamp.write(classpath, scripts, sw);
        } catch (LinkException e) {
            throw new MojoFailureException(e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write the image: " + e.getMessage(), e);
        }
    }

    /** Switch values: a -D property wins, then the environment, then the plugin configuration. */
    BuildSwitches resolveSwitches() {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(STANDARD_SWITCHES);
        if (switches != null) for (String n : switches.keySet()) if (!names.contains(n)) names.add(n);
        for (String n : names) {
            String v = session.getUserProperties().getProperty(n);
            if (v == null) v = System.getenv(n);
            if (v == null && switches != null) v = switches.get(n);
            if (v != null) values.put(n, v);
        }
        for (Map.Entry<String, String> e : values.entrySet())
            if (!e.getValue().isEmpty() && !e.getValue().equals("0")) getLog().info("build switch: " + e.getKey() + "=" + e.getValue());
        return new BuildSwitches(values);
    }

    private List<Path> classpath() throws MojoExecutionException {
        try {
            List<Path> out = new ArrayList<>();
            for (String element : project.getCompileClasspathElements()) out.add(Path.of(element));
            return out;
        } catch (Exception e) {
            throw new MojoExecutionException("cannot resolve the project's class path: " + e.getMessage(), e);
        }
    }

    private URLClassLoader projectClassLoader() throws MojoExecutionException {
        try {
            List<URL> urls = new ArrayList<>();
            for (String element : project.getCompileClasspathElements()) urls.add(new File(element).toURI().toURL());
            // parent-first: the DSL's classes (ImageDefinition, Module) are the plugin's own
            return new URLClassLoader(urls.toArray(new URL[0]), getClass().getClassLoader());
        } catch (Exception e) {
            throw new MojoExecutionException("cannot set up the project's class path: " + e.getMessage(), e);
        }
    }
}
