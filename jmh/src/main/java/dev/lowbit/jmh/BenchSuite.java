package dev.lowbit.jmh;

import java.util.List;

/** A family of benchmark rows; register new ones in {@link BenchRegistry#SUITES}. */
public interface BenchSuite {
    /** The rows to run; {@code quick} for the short {@code --quick} subset. */
    List<BenchCase> cases(boolean quick);
}
