package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code lowbit bench} argument handling (running JMH itself is left to the lead's bench runs). */
class BenchCommandTest {

    @Test
    void listsQuickRows() {
        var r = KvEvalCommandTest.run("bench", "--quick", "--list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("vidkv tokens=16384 threads=2 heads=28x4x128"), r.out());
        assertTrue(r.out().contains("read_bw tokens=1024 threads=1"), r.out());
        assertTrue(r.out().contains("gemv_bitmod4 tokens=11008x4096 threads=1"), r.out());
        assertTrue(r.out().contains("gemv_ternary2_i8 tokens=11008x4096 threads=1"), r.out());
        assertTrue(r.out().contains("vidkv-tables tokens=16384 threads=1 heads=28x4x128"), r.out());
        assertTrue(r.out().contains("vidkv-nosalient tokens=16384 threads=2 heads=28x4x128"), r.out());
        // + vidkv-tables and vidkv-nosalient (1, 2 threads each), the six int8-activation GEMV rows
        assertEquals(13 + 2 + 2 + 6 + 6, r.out().strip().split("\n").length, r.out());
    }

    @Test
    void unknownBenchmarkIsOneLineError() {
        var r = KvEvalCommandTest.run("bench", "--only", "nope");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("lowbit: --only [nope] matches no benchmark; known: [read_bw, scalar, fp32, fp16, kivi2, vidkv, vidkv-nosalient, vidkv-tables, gemv_fp32"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void missingCsvDirectoryIsRefusedBeforeRunning() {
        var r = KvEvalCommandTest.run("bench", "--only", "read_bw", "--csv", "/nonexistent-dir-lowbit/x.csv");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("/nonexistent-dir-lowbit") && r.err().contains("does not exist"), r.err());
    }
}
