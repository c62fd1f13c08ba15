package dev.lowbit.testsupport;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Makes a falsified QuickTheories property's report usable: drops the test framework's stack
 * frames from the cause it prints (about a hundred lines of JUnit and Surefire per failure) and
 * adds the command that replays the property with its seed. Registered through this jar's
 * {@code META-INF/services} for every module that has lowbit-test-support on its test class path
 * and extension autodetection on in its {@code junit-platform.properties}; other failures pass
 * through untouched.
 */
public final class PropertyFailureReport implements TestExecutionExceptionHandler {
    private static final Pattern SEED = Pattern.compile("Seed was (-?\\d+)");
    private static final String[] FRAMEWORK = {"org.junit.", "org.apache.maven.", "org.quicktheories.",
        "java.base/jdk.internal.reflect.", "java.base/java.lang.reflect.", "java.base/java.util.ArrayList.forEach"};

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String message = failure.getMessage();
        if (!(failure instanceof AssertionError) || message == null || !message.contains("Property falsified")) {
            throw failure;
        }
        AssertionError report = new AssertionError(withoutFrameworkFrames(message) + replay(context, message));
        report.setStackTrace(failure.getStackTrace());
        throw report;
    }

    static String withoutFrameworkFrames(String message) {
        StringBuilder out = new StringBuilder(message.length());
        int dropped = 0;
        for (String line : message.split("\\R", -1)) {
            if (isFrameworkFrame(line)) {
                dropped++;
                continue;
            }
            if (dropped > 0) {
                out.append("\t... ").append(dropped).append(" test-framework frames\n");
                dropped = 0;
            }
            out.append(line).append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static boolean isFrameworkFrame(String line) {
        if (!line.startsWith("\tat ")) {
            return false;
        }
        for (String prefix : FRAMEWORK) {
            if (line.startsWith(prefix, 4)) {
                return true;
            }
        }
        return false;
    }

    private static String replay(ExtensionContext context, String message) {
        Matcher seed = SEED.matcher(message);
        if (!seed.find()) {
            return "";
        }
        String module = Path.of(System.getProperty("user.dir")).getFileName().toString();
        String species = System.getProperty("lowbit.vector.bits");
        return "\nReplay: ./lowbit test -Dlowbit.seed=" + seed.group(1) + " -pl " + module + " -am -Dtest='"
                + context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName()
                + "' -Dsurefire.failIfNoSpecifiedTests=false"
                + (species == null ? "" : "  (failed on forced " + species + "-bit species; -Dtest re-runs those too)");
    }
}
