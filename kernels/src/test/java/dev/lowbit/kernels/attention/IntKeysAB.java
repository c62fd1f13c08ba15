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
                for (int i = 0; i < o1.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(o1[i] - o2[i]));
                    maxOut = Math.max(maxOut, Math.abs(o1[i]));
                }
                System.out.printf("%s tokens=%d 28q/4kv d=128 1 thread: float %.3f ms, integer %.3f ms (median of %d x %d), max |int-float| = %.3g (max |out| %.3g)%n",
                        names[sIx], tokens, tf[rounds / 2], ti[rounds / 2], rounds, reps, maxDiff, maxOut);
            }
        }
    }
}
