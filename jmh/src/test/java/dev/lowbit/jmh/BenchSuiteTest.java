package dev.lowbit.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.attention.AttentionShape;
import dev.lowbit.kernels.attention.DecodeAttention;
import dev.lowbit.kernels.parallel.KernelPool;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bench rows, their byte counts and the CSV format (without running JMH). */
class BenchSuiteTest {

    @Test
    void csvHeaderAndRowFormat() {
        assertEquals("benchmark,tokens,threads,ms_per_step,gb_per_s,ratio_vs_fp32", BenchRunner.CSV_HEADER);
        BenchCase c = new BenchCase("vidkv", "16384", 2, "m", Map.of(), 1_000_000, "g", false);
        assertEquals("vidkv,16384,2,0.5000,2.000,5.500", new BenchRunner.Row(c, 0.5, 2.0, 5.5, null).csv());
        assertEquals("read_bw,16384,2,0.5000,2.000,", new BenchRunner.Row(
                new BenchCase("read_bw", "16384", 2, "m", Map.of(), 1, null, false), 0.5, 2.0, null, null).csv());
        assertEquals(Path.of("/tmp/x/bench.json"), BenchRunner.jsonPathFor(Path.of("/tmp/x/bench.csv")));
    }

    @Test
    void fullSuiteHasEveryRowTheIssueAsksFor() {
        List<BenchCase> all = BenchRegistry.cases(false);
        Set<String> names = all.stream().map(BenchCase::benchmark).collect(Collectors.toSet());
        assertEquals(Set.of("read_bw", "scalar", "fp32", "fp16", "kivi2", "vidkv", "vidkv-nosalient", "vidkv-tables", "gemv_fp32", "gemv_bitmod4", "gemv_bitmod3",
                "gemv_ternary2", "gemv_int2", "gemv_bitplane4", "gemv_ternary2_i8", "gemv_ternary_b3_i8", "gemv_int2_i8",
                "gemv_bitmod3_i8", "gemv_bitmod4_i8", "gemv_bitplane4_i8"), names);
        for (String shape : List.of("4096x4096", "11008x4096", "4096x14336")) {
            for (String k : List.of("gemv_fp32", "gemv_bitmod4", "gemv_bitmod3", "gemv_ternary2", "gemv_int2", "gemv_bitplane4",
                    "gemv_ternary2_i8", "gemv_ternary_b3_i8", "gemv_int2_i8", "gemv_bitmod3_i8", "gemv_bitmod4_i8", "gemv_bitplane4_i8")) {
                for (int threads : new int[] {1, 2}) {
                    assertTrue(all.stream().anyMatch(c -> c.benchmark().equals(k) && c.tokens().equals(shape) && c.threads() == threads),
                            k + " " + shape + " " + threads);
                }
            }
        }
        for (String tokens : List.of("4096", "16384", "32768", "7680")) {
            for (String scheme : List.of("fp32", "fp16", "kivi2", "vidkv")) {
                for (int threads : new int[] {1, 2}) {
                    assertTrue(all.stream().anyMatch(c -> c.benchmark().equals(scheme) && c.tokens().equals(tokens) && c.threads() == threads),
                            scheme + " " + tokens + " " + threads);
                }
            }
        }
        assertTrue(all.stream().anyMatch(c -> c.benchmark().equals("read_bw") && c.tokens().equals("1024")));
        assertTrue(all.stream().anyMatch(c -> c.benchmark().equals("read_bw") && c.tokens().equals("16")));
        assertTrue(BenchRegistry.cases(true).size() < all.size());
    }

    @Test
    void quantizedByteFormulaMatchesABuiltCache() {
        AttentionShape s = AttentionSchemes.parseHeads("4x2x64");
        for (String scheme : List.of("kivi2", "vidkv", "vidkv-nosalient")) {
            for (int tokens : new int[] {1, 100, 160, 161, 1000, 3000}) {
                try (Arena arena = Arena.ofShared(); KernelPool pool = new KernelPool(1)) {
                    DecodeAttention k = AttentionSchemes.build(scheme, s, tokens, pool, arena, 3);
                    assertEquals(k.bytesRead(), AttentionSchemes.bytesRead(scheme, s, tokens), scheme + " at " + tokens + " tokens");
                }
            }
        }
    }
}
