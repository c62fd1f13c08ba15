package dev.lowbit.jmh;

import java.util.ArrayList;
import java.util.List;

/**
 * Every benchmark suite {@code ./lowbit bench} runs, in order.
 *
 * <p>To add benchmarks: write a JMH class in this package (one {@code @Benchmark} method,
 * parameters as {@code @Param} strings), a {@link BenchSuite} that lists its rows as
 * {@link BenchCase}s (name, tokens-column label, threads, method, params, bytes read per
 * operation, ratio group), and add one line to {@link #SUITES}.
 */
public final class BenchRegistry {
    private BenchRegistry() {}

    /** The suites, in run order. */
    public static final List<BenchSuite> SUITES = List.of(
            new ReadBandwidthSuite(),
            new AttentionSuite(),
            new GemvSuite()
    );

    /** All rows of all suites. */
    public static List<BenchCase> cases(boolean quick) {
        List<BenchCase> all = new ArrayList<>();
        for (BenchSuite s : SUITES) {
            all.addAll(s.cases(quick));
        }
        return all;
    }
}
