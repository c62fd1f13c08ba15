package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimCommandTest {

    /** Runs the CLI, returning exit code, stdout and stderr. */
    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void csvIsPureAndSummaryGoesToStderr() {
        String[] r = run("sim", "--mode", "decode", "--models", "llama-2-7b,phi-2", "--format", "csv");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].split("\n");
        assertEquals("mode,model,design,cycles,energy_uj,speedup_vs_fp16", lines[0]);
        assertEquals(1 + 2 * 4, lines.length);
        assertTrue(lines[1].startsWith("decode,llama-2-7b,fp16,"), lines[1]);
        assertTrue(r[2].contains("1.69x") && r[2].contains("1.48x"), r[2]);
    }

    @Test
    void bothModesPrintEveryMeanBesideThePaper() {
        String[] r = run("sim", "--mode", "both");
        assertEquals("0", r[0], r[2]);
        for (String scope : new String[] {"decode", "prefill", "all"}) {
            assertTrue(r[1].lines().anyMatch(l -> l.startsWith("speedup  ant       " + scope) && l.endsWith("1.69x")), r[1]);
            assertTrue(r[1].lines().anyMatch(l -> l.startsWith("speedup  olive     " + scope) && l.endsWith("1.48x")), r[1]);
        }
        assertTrue(r[1].contains(" 12 "), "the 'all' scope averages twelve points");
    }

    @Test
    void chartIsAPngWithOneRowPerPhase(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("sim.png");
        String[] r = run("sim", "--mode", "both", "--models", "opt-1.3b", "--format", "json", "--chart", png.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("{") && r[1].contains("\"bitmod_means\""));
        var img = ImageIO.read(png.toFile());
        assertEquals(1800, img.getWidth());
        assertEquals(840, img.getHeight());
    }

    @Test
    void userModelsFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "{\"name\": \"tiny\", \"hidden_size\": 256, \"num_hidden_layers\": 2, \"intermediate_size\": 512,"
                + " \"num_attention_heads\": 4, \"vocab_size\": 1000}");
        String[] r = run("sim", "--models-file", f.toString(), "--format", "csv", "--mode", "prefill", "--context", "64");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("prefill,tiny,bitmod,"), r[1]);
        r = run("sim", "--models-file", f.toString(), "--models", "tiny,phi-2", "--format", "csv", "--mode", "decode");
        assertEquals(1 + 2 * 4, r[1].split("\n").length);
        r = run("sim", "--models", "phi-2,Phi-2", "--format", "csv", "--mode", "decode");
        assertEquals(1 + 4, r[1].split("\n").length, "a model named twice is run once");
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        String[] r = run("sim", "--models", "gpt-9");
        assertEquals("1", r[0]);
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(r[2].contains("gpt-9"));
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"name\": \"x\", \"hidden_size\": -4}");
        r = run("sim", "--models-file", f.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("hidden_size"), r[2]);
        r = run("sim", "--mode", "train");
        assertEquals("2", r[0]);
        r = run("sim", "--context", "0");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--context"), r[2]);
    }

    @Test
    void emulationAgreesWithModelAndReference() {
        String[] r = run("sim", "--emulate", "70x256x3");
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals(2, r[1].lines().filter(l -> l.contains("(equal)")).count(), r[1]);
        assertEquals(2, r[1].lines().filter(l -> l.contains("(bit-exact)")).count(), r[1]);
        r = run("sim", "--emulate", "70x");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--emulate"), r[2]);
    }

    @Test
    void layerBreakdown() {
        String[] r = run("sim", "--mode", "decode", "--models", "opt-1.3b", "--layers");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("decode OPT-1.3B bitmod (array 64x16, p = 4)"), r[1]);
        assertTrue(r[1].lines().anyMatch(l -> l.strip().startsWith("attn_qk") && l.contains(" 8 ")), "16-bit attention: 8 cycles a tile");
    }
}
