package dev.lowbit.cli;

import java.util.Arrays;

/**
 * The demo's stopwatch: warm up for a while (kernels start interpreted; C2 needs many calls or
 * long loops), then the median of several timed runs. Good enough to show orders of magnitude in
 * a demo; the README's performance figures come from JMH ({@code ./lowbit bench}), never from here.
 */
final class QuickTimer {
    /** Warm-up: at least this long, and at least {@link #MIN_WARMUP_CALLS} calls. */
    static final long WARMUP_NANOS = 2_000_000_000L;
    static final int MIN_WARMUP_CALLS = 10;

    private QuickTimer() {}

    /** Median milliseconds of {@code runs} calls after the warm-up. */
    static double medianMillis(Runnable r, int runs) {
        long start = System.nanoTime();
        for (int i = 0; i < MIN_WARMUP_CALLS || System.nanoTime() - start < WARMUP_NANOS; i++) {
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
