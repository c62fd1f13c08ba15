package dev.lowbit.jmh;

import dev.lowbit.kernels.gemv.BitPlaneGemv;
import dev.lowbit.kernels.gemv.Fp32Gemv;
import dev.lowbit.kernels.gemv.Gemv;
import dev.lowbit.kernels.gemv.GemvReference;
import dev.lowbit.kernels.gemv.Int8BitPlaneGemv;
import dev.lowbit.kernels.gemv.Int8LutGemv;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.SyntheticWeights;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GEMV y = W·x on LLM shapes: FP32 SIMD baseline, table-lookup kernels on BITMOD4, BITMOD3,
 * TERNARY2, INT2 (groups of 128 along the input dimension), the bit-plane kernel on BITMOD4, and
 * the scalar reference, at 1 and 2 threads; and the int8-activation kernels ({@code *I8}: table lookup on
 * every low-bit format, bit-plane on BITMOD4). Weights come from {@link SyntheticWeights}.
 *
 * <p>Besides ops/s (one op = one GEMV), the auxiliary counter {@code weightBytes} reports the
 * packed weight bytes read per second (bytes/s: divide by 1e9 for GB/s). Ratio to FP32 =
 * score(kernel) / score(fp32) in the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g", "-XX:+UseParallelGC"})
public class GemvBenchmark {

    /** Shape and thread count shared by every kernel's state. */
    @State(Scope.Benchmark)
    public abstract static class Base {
        /** ROWSxCOLS. */
        @Param({"4096x4096", "11008x4096", "4096x14336"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        int rows;
        int cols;
        Arena arena;
        RowPool pool;
        float[] x;
        float[] y;

        void init() {
            String[] p = shape.split("x");
            rows = Integer.parseInt(p[0]);
            cols = Integer.parseInt(p[1]);
            arena = Arena.ofShared();
            pool = new RowPool(threads);
            x = new float[cols];
            Random r = new Random(1);
            for (int i = 0; i < cols; i++) {
                x[i] = (float) r.nextGaussian();
            }
            y = new float[rows];
        }

        QuantizedTensor quantized(PackedFormat f) {
            float[] w = SyntheticWeights.generate(rows, cols, 42);
            return QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), f, GroupAxis.TOKEN, 128, arena);
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
            arena.close();
        }
    }

    /** Counts packed weight bytes read, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Traffic {
        public long weightBytes;
    }

    public static class Fp32State extends Base {
        Fp32Gemv kernel;

        @Setup(Level.Trial)
        public void setup() {
            init();
            kernel = new Fp32Gemv(Tensor.of(arena, SyntheticWeights.generate(rows, cols, 42), rows, cols));
        }
    }

    public abstract static class LowBitState extends Base {
        LowBitGemv kernel;

        abstract PackedFormat format();

        @Setup(Level.Trial)
        public void setup() {
            init();
            kernel = new LowBitGemv(quantized(format()));
        }
    }

    public static class Bitmod4State extends LowBitState {
        @Override
        PackedFormat format() {
            return PackedFormat.BITMOD4;
        }
    }

    public static class Bitmod3State extends LowBitState {
        @Override
        PackedFormat format() {
            return PackedFormat.BITMOD3;
        }
    }

    public static class Ternary2State extends LowBitState {
        @Override
        PackedFormat format() {
            return PackedFormat.TERNARY2;
        }
    }

    public static class Int2State extends LowBitState {
        @Override
        PackedFormat format() {
            return PackedFormat.INT2;
        }
    }

    public static class BitPlane4State extends Base {
        BitPlaneGemv kernel;

        @Setup(Level.Trial)
        public void setup() {
            init();
            kernel = new BitPlaneGemv(quantized(PackedFormat.BITMOD4), arena);
        }
    }

    @Benchmark
    public float[] bitplane4(BitPlane4State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] fp32(Fp32State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] bitmod4(Bitmod4State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] bitmod3(Bitmod3State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] ternary2(Ternary2State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] int2(Int2State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    /** Int8-activation table-lookup kernel (repacked weights, built in setup). */
    public abstract static class I8State extends Base {
        Int8LutGemv kernel;

        abstract PackedFormat format();

        @Setup(Level.Trial)
        public void setup() {
            init();
            kernel = new Int8LutGemv(quantized(format()));
        }
    }

    public static class Ternary2I8State extends I8State {
        @Override
        PackedFormat format() {
            return PackedFormat.TERNARY2;
        }
    }

    public static class TernaryB3I8State extends I8State {
        @Override
        PackedFormat format() {
            return PackedFormat.TERNARY_B3;
        }
    }

    public static class Int2I8State extends I8State {
        @Override
        PackedFormat format() {
            return PackedFormat.INT2;
        }
    }

    public static class Bitmod3I8State extends I8State {
        @Override
        PackedFormat format() {
            return PackedFormat.BITMOD3;
        }
    }

    public static class Bitmod4I8State extends I8State {
        @Override
        PackedFormat format() {
            return PackedFormat.BITMOD4;
        }
    }

    public static class BitPlane4I8State extends Base {
        Int8BitPlaneGemv kernel;

        @Setup(Level.Trial)
        public void setup() {
            init();
            kernel = new Int8BitPlaneGemv(quantized(PackedFormat.BITMOD4));
        }
    }

    @Benchmark
    public float[] ternary2I8(Ternary2I8State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] ternaryB3I8(TernaryB3I8State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] int2I8(Int2I8State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] bitmod3I8(Bitmod3I8State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] bitmod4I8(Bitmod4I8State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    @Benchmark
    public float[] bitplane4I8(BitPlane4I8State s, Traffic t) {
        return run(s.kernel, s, t);
    }

    /** One GEMV through the common interface (each JMH fork runs one kernel: the call stays monomorphic). */
    private static float[] run(Gemv kernel, Base s, Traffic t) {
        kernel.multiply(s.x, s.y, s.pool);
        t.weightBytes += kernel.weightBytes();
        return s.y;
    }

    /** The scalar reference on BITMOD4 (single-threaded whatever the threads parameter). */
    @Benchmark
    public float[] scalarBitmod4(Bitmod4State s, Traffic t) {
        GemvReference.gemv(s.kernel.weights(), s.x, s.y);
        t.weightBytes += s.kernel.weightBytes();
        return s.y;
    }
}
