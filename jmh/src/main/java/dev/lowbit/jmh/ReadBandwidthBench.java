package dev.lowbit.jmh;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.KernelPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * Sequential-read bandwidth: a SIMD sum over an off-heap buffer of {@code mib} MiB (1 GiB streams
 * from DRAM; 16 MiB mostly stays in cache), split in equal contiguous parts over the threads.
 * The ceiling an attention kernel that reads its cache once can reach.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReadBandwidthBench {
    private static final VectorSpecies<Float> F = VectorShapes.F;

    @Param("1024")
    public int mib;
    @Param("1")
    public int threads;

    private Arena arena;
    private MemorySegment buf;
    private KernelPool pool;
    private final float[] partial = new float[64];
    private final KernelPool.Task task = (unit, worker) -> partial[unit] = sum(unit);

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        buf = arena.allocate((long) mib << 20, 64);
        buf.fill((byte) 1);
        pool = new KernelPool(threads);
    }

    float sum(int part) {
        long n = buf.byteSize() / threads;
        long from = part * n;
        long to = from + n;
        int step = F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (long o = from; o < to; o += 4L * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, buf, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, buf, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, buf, o + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, buf, o + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float read() {
        pool.run(task, threads);
        float s = 0;
        for (int i = 0; i < threads; i++) {
            s += partial[i];
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
