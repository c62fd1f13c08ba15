package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.kv.KvCacheGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvEvalCommandTest {
    @TempDir
    static Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void generate() {
        CliRun r = run("kv-gen", "--out", dir.toString(), "--kv-heads", "2", "--head-dim", "32", "--frames", "4",
                "--tokens-per-frame", "48", "--text-prefix", "8", "--text-suffix", "24", "--seed", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("Q.npy")));
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void csvHasTheExactHeaderAndEverySchemeAndVidKvUsesFewerHonestBitsThanKivi() {
        CliRun r = run("kv-eval", "--k", p("K.npy"), "--v", p("V.npy"), "--q", p("Q.npy"), "--vision", p("vision.npy"),
                "--text", p("text.npy"), "--vision-start", "8", "--residual", "32", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("scheme,payload_bits,honest_bits,k_rel_err,v_rel_err,attn_cosine_mean,attn_cosine_min,attn_rel_l2_mean", lines.get(0));
        Map<String, double[]> rows = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            assertEquals(8, f.length, l);
            double[] v = new double[7];
            for (int i = 0; i < 7; i++) {
                v[i] = Double.parseDouble(f[i + 1]);
                assertTrue(Double.isFinite(v[i]), l);
            }
            rows.put(f[0], v);
        }
        assertEquals(java.util.Set.of("fp32", "vidkv", "kivi2", "int2", "int1", "ternary"), rows.keySet());
        assertTrue(rows.get("vidkv")[1] < rows.get("kivi2")[1], "honest bits vidkv " + rows.get("vidkv")[1] + " vs kivi2 " + rows.get("kivi2")[1]);
        for (String s : List.of("vidkv", "kivi2", "int2", "int1", "ternary")) {
            double[] v = rows.get(s);
            assertTrue(v[2] > 0 && v[3] > 0, s + " has quantization error");
            assertTrue(v[4] > 0.5 && v[4] <= 1 + 1e-9 && v[5] <= v[4] + 1e-12, s + " cosine " + v[4] + " / " + v[5]);
        }
        assertEquals(1.0, rows.get("fp32")[4]);
    }

    @Test
    void tableWithoutQueriesSaysWhereTheQueriesComeFrom() {
        CliRun r = run("kv-eval", "--k", p("K.npy"), "--v", p("V.npy"), "--schemes", "vidkv,kivi2", "--residual", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("the last 32 keys of each head serve as queries"), r.out());
        assertTrue(r.out().contains("vidkv") && r.out().contains("kivi2") && !r.out().contains("ternary "), r.out());
    }

    private static void assertOneLineError(CliRun r, String expectedFragment) {
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("lowbit: ") && lines.get(0).contains(expectedFragment), lines.get(0));
    }

    @Test
    void badNpyInputGetsOneLineErrors() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Npy.write(Tensor.of(arena, new float[6], 2, 3), dir.resolve("rank2.npy"));
            Npy.write(Tensor.of(arena, new float[2 * 5 * 32], 2, 5, 32), dir.resolve("short.npy"));
            Tensor k = Npy.read(dir.resolve("K.npy"), arena);
            Tensor nan = k.copy(arena, k.dtype());
            nan.set(Float.NaN, 1, 7, 3);
            Npy.write(nan, dir.resolve("nan.npy"));
            Npy.write(Tensor.of(arena, new float[3 * 2 * 32], 3, 2, 32), dir.resolve("q3.npy"));
        }
        String header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 4), }";
        byte[] h = (header + " ".repeat(64 - (10 + header.length() + 1) % 64) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] file = new byte[10 + h.length + 96];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0};
        System.arraycopy(magic, 0, file, 0, 10);
        System.arraycopy(h, 0, file, 10, h.length);
        Files.write(dir.resolve("int.npy"), file);

        assertOneLineError(run("kv-eval", "--k", p("rank2.npy"), "--v", p("V.npy")), "rank-3");
        assertOneLineError(run("kv-eval", "--k", p("K.npy"), "--v", p("short.npy")), "must match");
        assertOneLineError(run("kv-eval", "--k", p("nan.npy"), "--v", p("V.npy")), "[1, 7, 3] is NaN");
        assertOneLineError(run("kv-eval", "--k", p("int.npy"), "--v", p("V.npy")), "<i4");
        assertOneLineError(run("kv-eval", "--k", p("K.npy"), "--v", p("V.npy"), "--q", p("q3.npy")), "multiple of kv_heads");
        assertOneLineError(run("kv-eval", "--k", p("K.npy"), "--v", p("V.npy"), "--schemes", "int3"), "unknown KV scheme");
        assertOneLineError(run("kv-eval", "--k", p("missing.npy"), "--v", p("V.npy")), "missing.npy: no such file (--k)");
    }
}
