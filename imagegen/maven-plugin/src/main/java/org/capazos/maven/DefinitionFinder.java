package org.capazos.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.capazos.dsl.build.ImageDefinition;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds the project's ImageDefinition: the named class, or the only implementation among its classes. */
final class DefinitionFinder {
    private DefinitionFinder() { }

    static ImageDefinition find(ClassLoader loader, Path classes, String name) throws MojoFailureException {
        Class<?> c;
        if (name != null && !name.isBlank()) {
            try {
                c = Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new MojoFailureException("image definition class " + name + " not found in " + classes);
            }
            if (!ImageDefinition.class.isAssignableFrom(c))
                throw new MojoFailureException(name + " does not implement " + ImageDefinition.class.getName());
        } else {
            List<Class<?>> found = scan(loader, classes);
            if (found.isEmpty())
                throw new MojoFailureException("no class implementing " + ImageDefinition.class.getName() + " in "
                        + classes + "; write one, or name it with <definition>");
            if (found.size() > 1)
                throw new MojoFailureException("several image definitions in " + classes + ": " + found
                        + "; choose one with <definition>");
            c = found.get(0);
        }
        try {
            return (ImageDefinition) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new MojoFailureException("cannot create " + c.getName() + ": it needs a public no-argument constructor");
        }
    }

    private static List<Class<?>> scan(ClassLoader loader, Path classes) throws MojoFailureException {
        List<Class<?>> found = new ArrayList<>();
        if (!Files.isDirectory(classes)) return found;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")).sorted()::iterator) {
                String rel = classes.relativize(p).toString();
                String cn = rel.substring(0, rel.length() - 6).replace('/', '.').replace('\\', '.');
                if (cn.contains("$")) continue;
                try {
                    Class<?> c = Class.forName(cn, false, loader);
                    if (ImageDefinition.class.isAssignableFrom(c) && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers())) found.add(c);
                } catch (ClassNotFoundException | LinkageError e) {
                    // not loadable on its own: not an image definition
                }
            }
        } catch (IOException e) {
            throw new MojoFailureException("cannot read " + classes + ": " + e.getMessage());
        }
        return found;
    }
}
