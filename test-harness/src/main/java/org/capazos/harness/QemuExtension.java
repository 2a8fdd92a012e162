package org.capazos.harness;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that gives tests a {@link QemuLauncher}, and skips them loudly when no QEMU can run.
 *
 * <p>Two ways to use it:
 * <ul>
 *   <li>{@link QemuTest @QemuTest} on a method: one run per chosen backend, the launcher as a
 *       method parameter;</li>
 *   <li>{@code @ExtendWith(QemuExtension.class)} on a class: {@code QemuLauncher} parameters of
 *       constructors and ordinary {@code @Test} methods get the first chosen backend.</li>
 * </ul>
 *
 * <p>The system property {@code capaz.qemu} chooses the backends:
 * <ul>
 *   <li>{@code auto} (default): the container backend if a Docker engine answers, else local QEMU;
 *       if neither can run, the tests are skipped and one line on stderr says
 *       {@code QEMU tests SKIPPED: ...} with what to install;</li>
 *   <li>{@code all}: every backend, each run separately; one that cannot run is skipped with a
 *       line on stderr saying why;</li>
 *   <li>{@code local}, {@code container} or {@code local,container}: exactly those, and they are
 *       <em>required</em>: a named backend that cannot run makes the test fail, so CI can prove
 *       the tests ran on it.</li>
 * </ul>
 */
public final class QemuExtension implements TestTemplateInvocationContextProvider, ParameterResolver, ExecutionCondition {

    private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

    /** One backend to run on; a required one fails the test when it cannot run, an optional one skips it. */
    private record Choice(Backend backend, boolean required) {}

    /** The backends {@code capaz.qemu} asks for; empty when it says {@code auto} and none can run. */
    private static List<Choice> plan() {
        provisionOnce();
        String value = System.getProperty(QemuLauncher.BACKEND_PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "":
            case "auto":
                return Backend.firstAvailable().map(b -> List.of(new Choice(b, false))).orElse(List.of());
            case "all":
                return List.of(new Choice(Backend.LOCAL, false), new Choice(Backend.CONTAINER, false));
            default:
                List<Choice> choices = new ArrayList<>();
                for (String name : value.split(",")) {
                    choices.add(new Choice(Backend.parse(name), true));
                }
                return choices;
        }
    }

    private static volatile boolean provisioned;

    /**
     * On a machine that allows it (see {@link Provisioner}), installs QEMU for the local backend before deciding
     * what can run. A Docker engine is not started from here: {@code .ci/docker-setup.sh} does that (it needs
     * root, a daemon and an imported base image), and the container backend is skipped loudly without one.
     */
    private static synchronized void provisionOnce() {
        if (provisioned) return;
        provisioned = true;
        String value = System.getProperty(QemuLauncher.BACKEND_PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
        if (value.isEmpty() || value.equals("all") || value.equals("auto") || value.contains("local"))
            Provisioner.ensure(LocalQemu.BINARY, "qemu-system-arm");
    }

    /** Prints {@code line} to stderr once per JVM, so a skip is never silent. */
    private static String announce(String line) {
        if (ANNOUNCED.add(line)) {
            System.err.println(line);
        }
        return line;
    }

    private static String neitherSkipLine() {
        return announce("QEMU tests SKIPPED: " + Backend.neitherAvailableMessage());
    }

    private static String skipLine(Backend backend) {
        return announce("QEMU tests on the " + backend + " backend SKIPPED: " + backend.unavailableReason().orElse(""));
    }

    private static boolean isQemuTest(ExtensionContext context) {
        return context.getTestMethod().map(QemuExtension::isQemuTest).orElse(false);
    }

    private static boolean isQemuTest(Method method) {
        return AnnotationSupport.isAnnotated(method, QemuTest.class);
    }

    /** The choice for a constructor or an ordinary test method: the first that can run, else the first required one. */
    private static Optional<Choice> defaultChoice() {
        List<Choice> plan = plan();
        return plan.stream().filter(c -> c.backend().isAvailable()).findFirst()
                .or(() -> plan.stream().filter(Choice::required).findFirst());
    }

    /**
     * The launcher of {@code backend}, for a test that needs that backend in particular. If it
     * cannot run here, the test fails when {@code -Dcapaz.qemu} names that backend (it is
     * required), else it is skipped with a line on stderr saying why.
     */
    public static QemuLauncher launcher(Backend backend) {
        Optional<String> problem = backend.unavailableReason();
        if (problem.isPresent()) {
            boolean required = plan().stream().anyMatch(c -> c.required() && c.backend() == backend);
            if (required) {
                throw new QemuUnavailableException(requiredButMissing(backend, problem.get()));
            }
            Assumptions.abort(skipLine(backend));
        }
        return backend.launcher();
    }

    private static String requiredButMissing(Backend backend, String problem) {
        return "QEMU backend '" + backend + "' was required (" + QemuLauncher.BACKEND_PROPERTY + "="
                + System.getProperty(QemuLauncher.BACKEND_PROPERTY) + ") but cannot run: " + problem;
    }

    // ---- ExecutionCondition: skip ordinary tests when no backend can run ----------------------

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (isQemuTest(context)) {
            return ConditionEvaluationResult.enabled("each backend run decides for itself");
        }
        return defaultChoice().isPresent()
                ? ConditionEvaluationResult.enabled("QEMU can run")
                : ConditionEvaluationResult.disabled(neitherSkipLine());
    }

    // ---- ParameterResolver: constructors and ordinary test methods -----------------------------

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        boolean templateMethod = parameter.getDeclaringExecutable() instanceof Method method && isQemuTest(method);
        return parameter.getParameter().getType() == QemuLauncher.class && !templateMethod;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Choice choice = defaultChoice().orElseThrow(() -> new QemuUnavailableException(neitherSkipLine()));
        return choice.backend().launcher();
    }

    // ---- TestTemplateInvocationContextProvider: one run of a @QemuTest per backend -------------

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return isQemuTest(context);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        List<Choice> plan = plan();
        if (plan.isEmpty()) {
            return Stream.of(new Run(null, false));
        }
        return plan.stream().map(choice -> new Run(choice.backend(), choice.required()));
    }

    /** One run of a {@link QemuTest} on one backend ({@code null}: none can run). */
    private static final class Run implements TestTemplateInvocationContext, ParameterResolver, BeforeEachCallback {
        private final Backend backend;
        private final boolean required;

        Run(Backend backend, boolean required) {
            this.backend = backend;
            this.required = required;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + (backend == null ? "no QEMU" : backend) + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(this);
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            if (backend == null) {
                Assumptions.abort(neitherSkipLine());
            }
            Optional<String> problem = backend.unavailableReason();
            if (problem.isPresent() && required) {
                throw new QemuUnavailableException(requiredButMissing(backend, problem.get()));
            }
            if (problem.isPresent()) {
                Assumptions.abort(skipLine(backend));
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == QemuLauncher.class
                    && parameter.getDeclaringExecutable() instanceof Method;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return backend == null ? LocalQemu.INSTANCE : backend.launcher();
        }
    }
}
