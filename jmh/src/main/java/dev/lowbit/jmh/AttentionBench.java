package dev.lowbit.jmh;

import dev.lowbit.kernels.attention.AttentionShape;
import dev.lowbit.kernels.attention.DecodeAttention;
import dev.lowbit.kernels.parallel.KernelPool;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One decode step of attention (all query heads over all cached tokens) per operation.
 * {@code ./lowbit bench} runs it per (scheme, heads, tokens, threads) in its own fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttentionBench {
    /** scalar, fp32, fp16, kivi2, vidkv. */
    @Param("fp32")
    public String scheme;
    /** query heads x KV heads x head dim. */
    @Param("28x4x128")
    public String heads;
    @Param("16384")
    public int tokens;
    @Param("1")
    public int threads;

    private Arena arena;
    private KernelPool pool;
    private DecodeAttention kernel;
    private float[] q;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        AttentionShape s = AttentionSchemes.parseHeads(heads);
        arena = Arena.ofShared();
        pool = new KernelPool(threads);
        kernel = AttentionSchemes.build(scheme, s, tokens, pool, arena, 42);
        q = AttentionSchemes.query(s, 7);
        out = new float[q.length];
    }

    @Benchmark
    public float[] step() {
        kernel.attend(q, out);
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
