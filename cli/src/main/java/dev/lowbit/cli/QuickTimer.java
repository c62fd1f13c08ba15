package dev.lowbit.cli;

import java.util.Arrays;

/**
 * The demo's stopwatch: warm up, then the median of several timed runs. Good enough to show
 * orders of magnitude in a demo; the README's performance figures come from JMH
 * ({@code ./lowbit bench}), never from here.
 */
final class QuickTimer {
    private QuickTimer() {}

    /** Median milliseconds of {@code runs} calls after {@code warmup} untimed calls. */
    static double medianMillis(Runnable r, int warmup, int runs) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }
}
