package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lowbit model-eval}: CSV header and rows on a small text file; bad input as one-line errors. */
class ModelEvalCommandTest {
    @TempDir
    Path dir;

    @Test
    void csvOnASmallTextFile() throws Exception {
        Path text = dir.resolve("pairs.txt");
        Files.writeString(text, """
                # two paraphrase pairs and a lone sentence
                The cat sat on the mat.\tA cat was sitting on the mat.
                Stocks fell sharply today.\tShare prices dropped a lot today.
                Quantized caches save memory.
                """, StandardCharsets.UTF_8);
        CliRun r = CliRun.of("model-eval", "--text", text.toString(), "--format", "csv", "--schemes", "kivi2,bitmod4,vidkv+bitmod4");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("scheme,kv_bits,weight_bits,cosine_mean,cosine_min,paraphrase_auc,ms_per_sentence,ref_cosine", lines[0]);
        assertEquals(5, lines.length, r.out());
        String[] names = {"fp32", "kivi2", "bitmod4", "vidkv+bitmod4"};
        for (int i = 0; i < names.length; i++) {
            String[] f = lines[i + 1].split(",", -1);
            assertEquals(8, f.length, lines[i + 1]);
            assertEquals(names[i], f[0]);
            double cosMean = Double.parseDouble(f[3]);
            assertTrue(cosMean > 0.9 && cosMean <= 1.0000001, lines[i + 1]);
            assertEquals(i == 0, !f[7].isEmpty(), "ref_cosine only on the fp32 row: " + lines[i + 1]);
        }
        String[] fp32 = lines[1].split(",", -1);
        assertEquals(32.0, Double.parseDouble(fp32[1]));
        assertEquals(32.0, Double.parseDouble(fp32[2]));
        assertTrue(Double.parseDouble(fp32[7]) >= 0.9999, "FP32 vs ONNX Runtime: " + lines[1]);
        assertEquals(4.125, Double.parseDouble(lines[3].split(",")[2]), 1e-9); // BitMoD-4, G = 128, 16-bit metadata
        assertTrue(r.err().contains("model-eval:"), "progress on stderr");
    }

    @Test
    void badInputIsAOneLineError() throws Exception {
        CliRun r = CliRun.of("model-eval", "--text", dir.resolve("missing.txt").toString());
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("no such file"), r.err());

        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n# nothing\n   \n");
        r = CliRun.of("model-eval", "--text", empty.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().strip().startsWith("lowbit: ") && r.err().contains("no sentences"), r.err());
        assertEquals("", r.out());

        r = CliRun.of("model-eval", "--format", "xml");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--format"), r.err());
        r = CliRun.of("model-eval", "--schemes", "int3");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("unknown scheme 'int3'"), r.err());
    }
}
