package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.FloatVector;
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

    private SoftmaxTile() {}

    /**
     * Scores of head {@code h} are {@code s[h·stride .. h·stride + n)}; partial slot {@code slot + h}.
     * Leaves {@code p} in {@code s}.
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
            float tileMax = mx.reduceLanes(VectorOperators.MAX);
            for (; j < n; j++) {
                tileMax = Math.max(tileMax, s[base + j]);
            }
            float mOld = partM[slot + h];
            float mNew = Math.max(mOld, tileMax);
            FloatVector mv = FloatVector.broadcast(F, mNew);
            FloatVector sum = FloatVector.zero(F);
            for (j = 0; j < n; j += l) {
                VectorMask<Float> m = F.indexInRange(j, n);
                FloatVector p = FloatVector.fromArray(F, s, base + j, m).sub(mv).lanewise(VectorOperators.EXP);
                p.intoArray(s, base + j, m);
                sum = sum.add(p, m);
            }
            float tileSum = sum.reduceLanes(VectorOperators.ADD);
            if (mNew > mOld && mOld != Float.NEGATIVE_INFINITY) {
                float corr = (float) Math.exp(mOld - mNew);
                partL[slot + h] *= corr;
                int a = (slot + h) * d;
                FloatVector cv = FloatVector.broadcast(F, corr);
                int i = 0;
                for (; i <= d - l; i += l) {
                    FloatVector.fromArray(F, partAcc, a + i).mul(cv).intoArray(partAcc, a + i);
                }
                for (; i < d; i++) {
                    partAcc[a + i] *= corr;
                }
            }
            partM[slot + h] = mNew;
            partL[slot + h] += tileSum;
        }
    }
}
