package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lowbit fuzz}: argument checks and that every target names a fuzz test that exists (Maven is not launched). */
class FuzzCommandTest {

    @Test
    void everyTargetNamesAnExistingFuzzTestMethod() throws IOException {
        Path tests = Path.of("..", "property-tests", "src", "test", "java", "dev", "lowbit", "propertytests", "reliability");
        for (var e : FuzzCommand.TARGETS.entrySet()) {
            String[] cm = e.getValue().split("#");
            Path src = tests.resolve(cm[0] + ".java");
            assertTrue(Files.isRegularFile(src), e.getKey() + ": no " + src);
            String text = Files.readString(src);
            assertTrue(text.contains("@FuzzTest") && text.contains(" " + cm[1] + "("), e.getKey() + ": no @FuzzTest " + cm[1] + " in " + src);
        }
    }

    @Test
    void targetsResolve() {
        assertEquals(List.copyOf(FuzzCommand.TARGETS.keySet()), FuzzCommand.targets("all"));
        assertEquals(List.of("npy"), FuzzCommand.targets("npy"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FuzzCommand.targets("nope"));
        assertTrue(e.getMessage().contains("unknown fuzz target 'nope'"), e.getMessage());
    }

    @Test
    void badArgumentsExitNonZeroWithoutRunningMaven() {
        assertNotEquals(0, Main.run("fuzz", "--target", "nope", "--seconds", "1"));
        assertNotEquals(0, Main.run("fuzz", "--seconds", "0"));
        assertNotEquals(0, Main.run("fuzz", "--seconds", "1", "--root", "/nonexistent-lowbit-tree"));
        assertEquals(0, Main.run("fuzz", "--list"));
    }
}
