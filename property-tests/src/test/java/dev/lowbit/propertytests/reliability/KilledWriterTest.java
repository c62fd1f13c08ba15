package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.io.CorruptFileException;
import dev.lowbit.packing.io.PackedFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed with SIGKILL in the middle of {@link PackedFile#write} (a child JVM rewriting
 * one file in a loop; the parent times the kill at a random point inside a write, from the
 * measured write duration) never leaves a target that reads as valid but wrong: the target is
 * byte for byte one complete version, and any leftover temporary file is refused or complete.
 *
 * <p>The test's power was checked by making the write non-atomic (writing the target in
 * place): it then fails.
 */
class KilledWriterTest {
    private static final int ROWS = 2048;
    private static final int COLS = 512; // 384 KiB per file
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void aWriterKilledMidWriteNeverLeavesAValidButWrongFile() throws Exception {
        byte[][] versions = new byte[2][];
        try (Arena arena = Arena.ofConfined()) {
            for (int v = 0; v < 2; v++) {
                Path p = dir.resolve("v" + v);
                PackedFile.write(KilledWriterChild.version(arena, ROWS, COLS, v), p);
                versions[v] = Files.readAllBytes(p);
                Files.delete(p);
            }
        }
        assertFalse(Arrays.equals(versions[0], versions[1]));
        Random rnd = new Random(17);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int leftTemp = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path target = dir.resolve("round" + round + ".lbp");
            Process child = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), KilledWriterChild.class.getName(),
                    target.toString(), Integer.toString(ROWS), Integer.toString(COLS))
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                long started = 0;
                long totalNanos = 0;
                int timed = 0;
                String line;
                while ((line = out.readLine()) != null) {
                    long now = System.nanoTime();
                    if (line.startsWith("wrote ")) {
                        totalNanos += now - started;
                        timed++;
                    } else if (line.startsWith("start ")) {
                        started = now;
                        if (timed >= 3) {
                            // kill at a random point of this write, judged from the mean of the previous ones
                            long delay = (long) (rnd.nextDouble() * totalNanos / timed);
                            TimeUnit.NANOSECONDS.sleep(delay);
                            break;
                        }
                    } else {
                        throw new AssertionError("child said: " + line);
                    }
                }
                child.toHandle().destroyForcibly(); // SIGKILL (unlike Process.destroyForcibly it keeps our pipe open)
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            } finally {
                child.destroyForcibly();
            }
            byte[] got = Files.readAllBytes(target);
            assertTrue(Arrays.equals(got, versions[0]) || Arrays.equals(got, versions[1]),
                    "round " + round + ": the target is not one complete version (" + got.length + " bytes)");
            try (Arena arena = Arena.ofConfined()) {
                PackedFile.read(target, arena);
            } catch (CorruptFileException e) {
                throw new AssertionError("round " + round + ": the killed writer left a corrupt target: " + e.getMessage(), e);
            }
            try (Stream<Path> files = Files.list(dir)) {
                List<Path> stray = files.filter(p -> !p.getFileName().toString().startsWith("round")).toList();
                leftTemp += stray.isEmpty() ? 0 : 1;
                for (Path p : stray) {
                    assertTrue(p.getFileName().toString().startsWith(".round" + round), "unexpected file " + p);
                    byte[] tmp = Files.readAllBytes(p);
                    try (Arena arena = Arena.ofConfined()) {
                        PackedFile.read(p, arena);
                        assertTrue(Arrays.equals(tmp, versions[0]) || Arrays.equals(tmp, versions[1]),
                                "a temporary file reads as valid but is not a complete version");
                    } catch (CorruptFileException expected) {
                        // a half-written temporary file is refused
                    }
                    Files.delete(p);
                }
            }
        }
        System.out.println("KilledWriterTest: " + leftTemp + " of " + ROUNDS + " kills left a temporary file (landed mid-write)");
    }
}
