package dev.lowbit.model;

import dev.lowbit.kernels.parallel.RowPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FP32 linear layer: each output row's dot product with every token, rows split over a
 * {@link RowPool} (one pool call per layer and sequence, so the weight row is read once for all
 * tokens). Also carries weights that were fake-quantized to a scheme without a packed format
 * (then {@code weightBits} is that scheme's honest size, not 32 bits).
 */
public final class Fp32Linear implements Linear, RowPool.RowTask {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final BertWeights.Dense w;
    private final long weightBits;
    private final RowPool pool;
    private float[][] x;
    private float[][] y;
    private int n;

    /** Plain FP32 weights. */
    public Fp32Linear(BertWeights.Dense w, RowPool pool) {
        this(w, 32L * w.out() * w.in(), pool);
    }

    /** Weights already rounded to some scheme whose honest storage is {@code weightBits}. */
    public Fp32Linear(BertWeights.Dense w, long weightBits, RowPool pool) {
        this.w = w;
        this.weightBits = weightBits;
        this.pool = pool;
    }

    @Override
    public int in() {
        return w.in();
    }

    @Override
    public int out() {
        return w.out();
    }

    @Override
    public long weightBits() {
        return weightBits;
    }

    @Override
    public void forward(float[][] x, float[][] y, int n) {
        this.x = x;
        this.y = y;
        this.n = n;
        try {
            pool.run(w.out(), 1, this);
        } finally {
            this.x = null;
            this.y = null;
        }
    }

    @Override
    public void rows(int r0, int r1) {
        float[] wt = w.weight();
        float[] b = w.bias();
        int in = w.in();
        for (int r = r0; r < r1; r++) {
            for (int t = 0; t < n; t++) {
                y[t][r] = dot(wt, r * in, x[t], in) + b[r];
            }
        }
    }

    /**
     * Σ a[off+i]·x[i], i &lt; len: FMA into vector lanes, then the lanes summed in lane order and a
     * scalar tail. Not {@code reduceLanes(ADD)}: its order is unspecified and differs between the
     * interpreter and C2, which made results depend on when the JIT kicked in.
     */
    static float dot(float[] a, int off, float[] x, int len) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            acc = FloatVector.fromArray(F, a, off + i).fma(FloatVector.fromArray(F, x, i), acc);
        }
        float s = 0;
        for (int l = 0; l < F.length(); l++) {
            s += acc.lane(l);
        }
        for (; i < len; i++) {
            s = Math.fma(a[off + i], x[i], s);
        }
        return s;
    }
}
