package dev.lowbit.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress lines for long commands: a numbered header per step and a line per sub-task with
 * its wall time, so nothing longer than a second runs silently.
 */
final class Progress {
    private final PrintStream out;
    private final int steps;
    private int step;

    Progress(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    void step(String title) {
        step++;
        out.printf(Locale.ROOT, "%n[%d/%d] %s%n", step, steps, title);
    }

    /** Runs {@code task}, printing what it is before and how long it took after. */
    <T> T task(String what, java.util.function.Supplier<T> task) {
        out.printf(Locale.ROOT, "  %s ...", what);
        out.flush();
        long t0 = System.nanoTime();
        T r = task.get();
        out.printf(Locale.ROOT, " %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return r;
    }

    void task(String what, Runnable task) {
        task(what, () -> {
            task.run();
            return null;
        });
    }
}
