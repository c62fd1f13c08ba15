package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code lowbit weights-eval}: exact CSV header and scheme names, errors as one line. */
class WeightsEvalCommandTest {

    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void csvHasExactHeaderAndSchemes() {
        String[] r = run("weights-eval", "--synthetic", "16x300", "--bits", "3", "--format", "csv");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].strip().split("\n");
        assertEquals("scheme,bits,honest_bits,mse,rel_err,max_err", lines[0]);
        assertEquals(6, lines.length);
        String[] names = {"bitmod", "int_sym", "int_asym", "fp", "ant"};
        for (int i = 0; i < names.length; i++) {
            String[] f = lines[i + 1].split(",");
            assertEquals(names[i], f[0]);
            assertEquals("3", f[1]);
            assertEquals(6, f.length);
        }
        // honest bits of bitmod at cols = 300: 3 groups of 128 codes + 3 x 16 metadata bits over 300
        assertEquals((3 * 128 * 3 + 3 * 16) / 300.0, Double.parseDouble(lines[1].split(",")[2]), 1e-4);
        assertTrue(r[2].contains("bitmod datatypes chosen"), r[2]);
    }

    @Test
    void badOptionsAreOneLineErrors() {
        String[] r = run("weights-eval", "--synthetic", "16x300", "--bits", "5");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].startsWith("lowbit: --bits: expected 3 or 4, found 5"), r[2]);
        r = run("weights-eval", "--synthetic", "16by300");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("ROWSxCOLS"), r[2]);
        r = run("weights-eval", "--w", "/nonexistent/w.npy");
        assertNotEquals("0", r[0]);
        assertEquals(1, r[2].strip().split("\n").length, r[2]);
    }
}
