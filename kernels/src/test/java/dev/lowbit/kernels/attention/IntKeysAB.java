package dev.lowbit.kernels.attention;

import java.lang.foreign.Arena;
import java.util.Arrays;

/** In-process A/B, float vs integer key scoring (not a test): {@code java ... IntKeysAB [tokens] [rounds]}. */
final class IntKeysAB {
    public static void main(String[] args) {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 16384;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        String[] names = {"vidkv", "kivi2"};
        for (int sIx = 0; sIx < 2; sIx++) {
            try (Arena arena = Arena.ofShared(); KernelPool pool = new KernelPool(1)) {
                var b = FusedAttentionSimdProperties.build(arena, 42, sIx, 4, 7, 128, 32, 128, tokens);
                // the same random stream as build(): the original FP32 keys and values
                java.util.Random rnd = new java.util.Random(42);
                rnd.ints(tokens / 7, 0, tokens).distinct().sorted().toArray();
                double[] gain = new double[4 * 128];
                for (int i = 0; i < gain.length; i++) {
                    gain[i] = rnd.nextInt(8) == 0 ? 10 : Math.pow(10, -1 + 1.5 * rnd.nextDouble());
                }
                float[] kAll = new float[tokens * 4 * 128];
                float[] vAll = new float[tokens * 4 * 128];
                for (int t = 0; t < tokens; t++) {
                    for (int i = 0; i < 4 * 128; i++) {
                        int at = ((i / 128) * tokens + t) * 128 + i % 128; // [kvHeads][tokens][d]
                        kAll[at] = (float) (gain[i] * rnd.nextGaussian());
                        vAll[at] = (float) rnd.nextGaussian();
                    }
                }
                float[] k1 = b.cache().snapshot().keys(1);
                int last = tokens - 1;
                if (Float.floatToRawIntBits(k1[last * 128 + 5]) != Float.floatToRawIntBits(kAll[(tokens + last) * 128 + 5])) {
                    throw new IllegalStateException("reproduced keys differ from the cache's residual keys");
                }
                float[] exact = new float[b.q().length];
                dev.lowbit.kernels.kv.ReferenceAttention.exact(kAll, vAll, 4, tokens, 128, b.q(), b.queryHeads(), exact);
                QuantizedAttention flt = new QuantizedAttention(b.cache(), b.queryHeads(), pool, false);
                QuantizedAttention itg = new QuantizedAttention(b.cache(), b.queryHeads(), pool, true);
                float[] o1 = new float[b.q().length];
                float[] o2 = new float[b.q().length];
                for (int i = 0; i < 30; i++) {
                    flt.attend(b.q(), o1);
                    itg.attend(b.q(), o2);
                }
                double[] tf = new double[rounds];
                double[] ti = new double[rounds];
                int reps = 10;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        flt.attend(b.q(), o1);
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        itg.attend(b.q(), o2);
                    }
                    long t2 = System.nanoTime();
                    tf[r] = (t1 - t0) / 1e6 / reps;
                    ti[r] = (t2 - t1) / 1e6 / reps;
                }
                Arrays.sort(tf);
                Arrays.sort(ti);
                double maxDiff = 0;
                double maxOut = 0;
                double ef = 0;
                double ei = 0;
                double ex = 0;
                for (int i = 0; i < o1.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(o1[i] - o2[i]));
                    maxOut = Math.max(maxOut, Math.abs(o1[i]));
                    ef += (o1[i] - exact[i]) * (o1[i] - exact[i]);
                    ei += (o2[i] - exact[i]) * (o2[i] - exact[i]);
                    ex += exact[i] * exact[i];
                }
                System.out.printf("%s vs exact FP32 attention: relative L2 error float path %.4f, integer path %.4f%n",
                        names[sIx], Math.sqrt(ef / ex), Math.sqrt(ei / ex));
                System.out.printf("%s tokens=%d 28q/4kv d=128 1 thread: float %.3f ms, integer %.3f ms (median of %d x %d), max |int-float| = %.3g (max |out| %.3g)%n",
                        names[sIx], tokens, tf[rounds / 2], ti[rounds / 2], rounds, reps, maxDiff, maxOut);
            }
        }
    }
}
