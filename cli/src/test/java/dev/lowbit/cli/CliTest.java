package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end: quantize then inspect; bad files and bad options give one line and a non-zero exit. */
class CliTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path npy() throws Exception {
        Path p = dir.resolve("k.npy");
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, DType.F32, 70, 9);
            for (long i = 0; i < t.elementCount(); i++) {
                t.setFlat(i, (float) Math.sin(i));
            }
            Npy.write(t, p);
        }
        return p;
    }

    @Test
    void quantizeThenInspect() throws Exception {
        Path out = dir.resolve("k.lbq");
        CliRun q = run("quantize", "--in", npy().toString(), "--format", "ternary_b3", "--group-size", "32", "--axis", "channel",
                "--out", out.toString());
        assertEquals(0, q.code(), q.err());
        CliRun i = run("inspect", out.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("TERNARY_B3") && i.out().contains("[70, 9]") && i.out().contains("checksums:   OK"), i.out());
    }

    @Test
    void corruptFilesGiveOneLineAndNonZeroExit() throws Exception {
        Path out = dir.resolve("k.lbq");
        assertEquals(0, run("quantize", "--in", npy().toString(), "--format", "int2", "--out", out.toString()).code());
        byte[] all = Files.readAllBytes(out);
        all[all.length - 3] ^= 4;
        Files.write(out, all);
        CliRun flipped = run("inspect", out.toString());
        assertNotEquals(0, flipped.code());
        assertEquals(1, flipped.err().strip().lines().count(), flipped.err());
        assertTrue(flipped.err().contains("checksum mismatch"), flipped.err());

        Files.write(out, java.util.Arrays.copyOf(all, 50));
        CliRun truncated = run("inspect", out.toString());
        assertNotEquals(0, truncated.code());
        assertEquals(1, truncated.err().strip().lines().count(), truncated.err());
        assertTrue(truncated.err().contains("truncated"), truncated.err());

        CliRun verbose = run("inspect", "--verbose", out.toString());
        assertTrue(verbose.err().lines().count() > 1, "--verbose adds the stack trace");
    }

    @Test
    void badOptionsGiveOneLine() throws Exception {
        CliRun r = run("quantize", "--in", npy().toString(), "--format", "int7", "--out", dir.resolve("x").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().startsWith("lowbit: unknown format 'int7'"), r.err());
        assertEquals(1, r.err().strip().lines().count());
        CliRun g = run("quantize", "--in", npy().toString(), "--format", "int2", "--group-size", "0", "--out", dir.resolve("x").toString());
        assertNotEquals(0, g.code());
        assertTrue(g.err().contains("group size must be > 0"), g.err());
        CliRun missing = run("inspect", dir.resolve("nope.lbq").toString());
        assertNotEquals(0, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
    }

    @Test
    void helpAndVersion() {
        CliRun h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("quantize") && h.out().contains("inspect") && h.out().contains("demo"));
        CliRun v = run("--version");
        assertTrue(v.out().startsWith("lowbit "), v.out());
    }
}
