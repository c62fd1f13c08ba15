package dev.lowbit.kernels.parallel;

import dev.lowbit.kernels.parallel.KernelPool;
import java.lang.foreign.MemorySegment;

/**
 * Row-sliced work on a {@link KernelPool} (the one thread pool of lowbit's kernels): a range of
 * rows is split into {@code threads} contiguous slices, one unit each. Each row is computed by
 * exactly the same code whatever the split, so results do not depend on the thread count.
 * Allocation-free per call. One caller at a time.
 */
public final class RowPool implements AutoCloseable {
    /** Work over rows {@code [r0, r1)}. */
    public interface RowTask {
        void rows(int r0, int r1);
    }

    private final KernelPool pool;
    private final Slices slices = new Slices();

    /** Reused for every call: the slice arithmetic over the current task (published by KernelPool.run). */
    private final class Slices implements KernelPool.Task {
        RowTask task;
        int rows;
        int align;

        @Override
        public void run(int unit, int worker) {
            task.rows(start(unit), start(unit + 1));
        }

        private int start(int slice) {
            long units = (rows + align - 1) / align;
            return (int) Math.min(rows, (units * slice / pool.threads()) * align);
        }
    }

    /** A pool running work on {@code threads} threads in all (the caller plus threads − 1 workers). */
    public RowPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1, found " + threads);
        }
        this.pool = new KernelPool(threads);
    }

    public int threads() {
        return pool.threads();
    }

    /**
     * Checks that every worker may read {@code segment}.
     *
     * @throws IllegalStateException for a segment of a confined arena (only its owner thread may
     *     read it), naming {@code what}
     */
    public void checkAccessible(MemorySegment segment, String what) {
        if (!pool.accessibleByAll(segment)) {
            throw new IllegalStateException(what + " live in a confined arena that only its owner thread may read; "
                    + "use a shared, global or automatic arena for a " + threads() + "-thread GEMV");
        }
    }

    /**
     * Runs {@code t} over rows {@code [0, rows)}, slices starting at multiples of {@code align}
     * rows, and returns when every slice is done (also when one failed: its exception is rethrown).
     */
    public void run(int rows, int align, RowTask t) {
        synchronized (slices) {
            slices.task = t;
            slices.rows = rows;
            slices.align = Math.max(1, align);
            try {
                pool.run(slices, threads());
            } finally {
                slices.task = null;
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
