package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FP32 SIMD GEMV baseline: y = W·x for a contiguous row-major F32 weight, four vector
 * accumulators per row, FMA. What the low-bit kernels are compared against.
 */
public final class Fp32Gemv implements Gemv, RowPool.RowTask {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final int L = F.length();

    private final MemorySegment w;
    private final int rows;
    private final int cols;
    private float[] x;
    private float[] y;

    /** A kernel over {@code w} (contiguous F32 {@code [rows, cols]}). */
    public Fp32Gemv(Tensor w) {
        if (w.rank() != 2 || w.dtype() != DType.F32) {
            throw new IllegalArgumentException("Fp32Gemv: expected a rank-2 F32 tensor, found rank " + w.rank() + " " + w.dtype());
        }
        this.w = w.contiguousSegment();
        this.rows = Math.toIntExact(w.shape(0));
        this.cols = Math.toIntExact(w.shape(1));
    }

    /** Bytes of weights one multiply reads. */
    public long weightBytes() {
        return (long) rows * cols * 4;
    }

    /** y = W·x on the calling thread. */
    public void multiply(float[] x, float[] y) {
        bind(x, y);
        rows(0, rows);
    }

    /** y = W·x with rows split over {@code pool}. */
    public void multiply(float[] x, float[] y, RowPool pool) {
        pool.checkAccessible(w, "weights");
        bind(x, y);
        pool.run(rows, 4, this);
    }

    private void bind(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("gemv: expected x of " + cols + " and y of " + rows + ", found " + x.length + " and " + y.length);
        }
        this.x = x;
        this.y = y;
    }

    @Override
    public void rows(int r0, int r1) {
        float[] x = this.x;
        float[] y = this.y;
        int n = cols;
        int bound4 = n - n % (4 * L);
        int bound1 = n - n % L;
        for (int r = r0; r < r1; r++) {
            long base = (long) r * n * 4;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int c = 0;
            for (; c < bound4; c += 4 * L) {
                a0 = FloatVector.fromMemorySegment(F, w, base + 4L * c, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, c), a0);
                a1 = FloatVector.fromMemorySegment(F, w, base + 4L * (c + L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, c + L), a1);
                a2 = FloatVector.fromMemorySegment(F, w, base + 4L * (c + 2 * L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, c + 2 * L), a2);
                a3 = FloatVector.fromMemorySegment(F, w, base + 4L * (c + 3 * L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, c + 3 * L), a3);
            }
            for (; c < bound1; c += L) {
                a0 = FloatVector.fromMemorySegment(F, w, base + 4L * c, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, c), a0);
            }
            float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; c < n; c++) {
                s = Math.fma(w.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, base + 4L * c), x[c], s);
            }
            y[r] = s;
        }
    }
}
