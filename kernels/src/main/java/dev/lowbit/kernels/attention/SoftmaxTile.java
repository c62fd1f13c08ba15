package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The online-softmax step for one tile of scores, SIMD: once per tile and head (not per token)
 * the running max moves, the running sum and the accumulated output are rescaled, and the
 * tile's scores become unnormalised probabilities {@code p = exp(s − m)} in place.
 */
final class SoftmaxTile {
    private static final VectorSpecies<Float> F = VectorShapes.F;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2 = 0.693147180559945309f;

    private SoftmaxTile() {}

    /**
     * {@code e^x} for {@code x <= 0} (scores minus their running max; −∞ allowed), in float:
     * {@code 2^n · P(f)} with {@code n = round(x·log2 e)}, {@code |f| <= 1/2} and P the degree-6
     * Taylor polynomial of {@code 2^f} (truncation error below 1.3e-7 relative), evaluated with
     * FMAs; {@code x < −87.3} gives 0 (the true value is below 1.2e-38). Relative error within a
     * few ulps: the properties bound it. About 14 vector operations, against the Vector API's
     * {@code EXP}, which ran ~10× slower here.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.max(-87.3f).mul(LOG2E);
        IntVector n = (IntVector) t.sub(0.5f).convert(VectorOperators.F2I, 0); // round half away from zero, t <= 0
        FloatVector f = t.sub((FloatVector) n.convert(VectorOperators.I2F, 0)).mul(LN2); // |f| <= ln2 / 2
        FloatVector p = FloatVector.broadcast(F, 1f / 720);
        p = p.fma(f, FloatVector.broadcast(F, 1f / 120));
        p = p.fma(f, FloatVector.broadcast(F, 1f / 24));
        p = p.fma(f, FloatVector.broadcast(F, 1f / 6));
        p = p.fma(f, FloatVector.broadcast(F, 0.5f));
        p = p.fma(f, FloatVector.broadcast(F, 1f));
        p = p.fma(f, FloatVector.broadcast(F, 1f));
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, x.compare(VectorOperators.LT, -87.3f));
    }

    /**
     * {@code s[base + j] = e^(s[base + j] − m)} for j below n, in place, and their lane-wise sum
     * added to the vector {@code lsum[lOff ..]} (L lanes: j's value goes to lane j mod L; the lanes
     * are summed once per step, not per block): the whole vectors' sum first, then the partial
     * last vector ({@link #expTail}). One method with {@link #exp}'s polynomial written
     * out and no vector crossing a call: a vector argument or result of a call C2 does not inline is
     * boxed (an allocation per call), and -XX:+PrintInlining showed exp not inlined here.
     */
    static void expRow(float[] s, int base, int n, float m, float[] lsum, int lOff) {
        int l = F.length();
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j + l <= n; j += l) { // whole vectors only: no mask, no merge of masked and unmasked vectors
            FloatVector x = FloatVector.fromArray(F, s, base + j).sub(mv);
            // exp(x), as exp() below
            FloatVector t = x.max(-87.3f).mul(LOG2E);
            IntVector k = (IntVector) t.sub(0.5f).convert(VectorOperators.F2I, 0);
            FloatVector f = t.sub((FloatVector) k.convert(VectorOperators.I2F, 0)).mul(LN2);
            FloatVector p = FloatVector.broadcast(F, 1f / 720);
            p = p.fma(f, FloatVector.broadcast(F, 1f / 120));
            p = p.fma(f, FloatVector.broadcast(F, 1f / 24));
            p = p.fma(f, FloatVector.broadcast(F, 1f / 6));
            p = p.fma(f, FloatVector.broadcast(F, 0.5f));
            p = p.fma(f, FloatVector.broadcast(F, 1f));
            p = p.fma(f, FloatVector.broadcast(F, 1f));
            FloatVector scale = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            p = p.mul(scale).blend(0f, x.compare(VectorOperators.LT, -87.3f));
            p.intoArray(s, base + j);
            sum = sum.add(p);
        }
        FloatVector.fromArray(F, lsum, lOff).add(sum).intoArray(lsum, lOff);
        if (j < n) {
            expTail(s, base, j, n, m, lsum, lOff);
        }
    }

    /**
     * The last, partial vector of {@link #expRow} (lanes j..n−1), same arithmetic. Its own method
     * so that the hot loop above has no masked operations: with the masked tail inside the loop,
     * a JVM whose other code had taken the JDK's masked branches compiled expRow with its vectors
     * boxed (0.4–1.7 MB per step in the 128-bit test JVM); only scalars and arrays cross this call.
     */
    private static void expTail(float[] s, int base, int j, int n, float m, float[] lsum, int lOff) {
        VectorMask<Float> mask = F.indexInRange(j, n);
        FloatVector x = FloatVector.fromArray(F, s, base + j, mask).sub(m);
        FloatVector p = exp(x);
        p.intoArray(s, base + j, mask);
        FloatVector.fromArray(F, lsum, lOff).add(p, mask).intoArray(lsum, lOff);
    }

    /**
     * Scores of head {@code h} are {@code s[h·stride .. h·stride + n)}; partial slot {@code slot + h}
     * (its running sum is the vector {@code partL[(slot + h)·L ..]}, see SplitAttention). Leaves
     * {@code p} in {@code s}.
     */
    static void update(float[] s, int stride, int n, int heads, float[] partM, float[] partL, float[] partAcc,
                       int slot, int d) {
        int l = F.length();
        for (int h = 0; h < heads; h++) {
            int base = h * stride;
            FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            int j = 0;
            for (; j <= n - l; j += l) {
                mx = mx.max(FloatVector.fromArray(F, s, base + j));
            }
            float mOld = partM[slot + h];
            float mNew;
            if (j == n && !mx.compare(VectorOperators.GT, mOld).anyTrue()) {
                // no score above the running max (most blocks once a unit is under way): the same
                // mNew = max(mOld, tileMax) without the lane reduction (scores are finite: the
                // attention checks q on entry, the caches refuse non-finite values)
                mNew = mOld;
            } else {
                float tileMax = mx.reduceLanes(VectorOperators.MAX);
                for (; j < n; j++) {
                    tileMax = Math.max(tileMax, s[base + j]);
                }
                mNew = Math.max(mOld, tileMax);
            }
            int lv = (slot + h) * l;
            if (mNew > mOld && mOld != Float.NEGATIVE_INFINITY) {
                float corr = (float) Math.exp(mOld - mNew);
                FloatVector cv = FloatVector.broadcast(F, corr);
                FloatVector.fromArray(F, partL, lv).mul(cv).intoArray(partL, lv);
                int a = (slot + h) * d;
                int i = 0;
                for (; i <= d - l; i += l) {
                    FloatVector.fromArray(F, partAcc, a + i).mul(cv).intoArray(partAcc, a + i);
                }
                for (; i < d; i++) {
                    partAcc[a + i] *= corr;
                }
            }
            partM[slot + h] = mNew;
            expRow(s, base, n, mNew, partL, lv);
        }
    }
}
