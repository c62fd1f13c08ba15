package dev.lowbit.kernels.gemv;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool that splits a range of rows into {@code threads} contiguous slices (the caller
 * runs the first). Each row is computed by exactly the same code whatever the split, so results
 * do not depend on the thread count. Allocation-free per call. One caller at a time.
 */
public final class RowPool implements AutoCloseable {
    /** Work over rows {@code [r0, r1)}. */
    public interface RowTask {
        void rows(int r0, int r1);
    }

    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile RowTask task;
    private volatile int rowCount;
    private volatile int align = 1;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    /** A pool running work on {@code threads} threads in all (the caller plus threads − 1 workers). */
    public RowPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1, found " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int slice = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("lowbit-gemv-" + slice).start(() -> loop(slice));
        }
    }

    public int threads() {
        return workers.length + 1;
    }

    /**
     * Checks that every worker may read {@code segment}.
     *
     * @throws IllegalStateException for a segment of a confined arena (only its owner thread may
     *     read it), naming {@code what}
     */
    public void checkAccessible(java.lang.foreign.MemorySegment segment, String what) {
        for (Thread w : workers) {
            if (!segment.isAccessibleBy(w)) {
                throw new IllegalStateException(what + " live in a confined arena that only its owner thread may read; "
                        + "use a shared, global or automatic arena for a " + threads() + "-thread GEMV");
            }
        }
    }

    private static int start(int slice, int slices, int n, int a) {
        long units = (n + a - 1) / a;
        return (int) Math.min(n, (units * slice / slices) * a);
    }

    private void loop(int slice) {
        long seen = 0;
        while (true) {
            while (generation == seen && !closed) {
                LockSupport.park(this);
            }
            if (closed) {
                return;
            }
            seen = generation;
            int n = rowCount;
            int a = align;
            try {
                task.rows(start(slice, threads(), n, a), start(slice + 1, threads(), n, a));
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /**
     * Runs {@code t} over rows {@code [0, rows)}, slices starting at multiples of {@code align}
     * rows, and returns when every slice is done.
     */
    public void run(int rows, int align, RowTask t) {
        if (closed) {
            throw new IllegalStateException("row pool is closed");
        }
        if (workers.length == 0) {
            t.rows(0, rows);
            return;
        }
        task = t;
        rowCount = rows;
        this.align = Math.max(1, align);
        caller = Thread.currentThread();
        failure = null;
        pending.set(workers.length);
        generation = generation + 1;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            t.rows(0, start(1, threads(), rows, this.align));
        } finally {
            // wait for the workers even when the caller's slice failed, so calls never overlap
            while (pending.get() != 0) {
                LockSupport.park(this);
            }
            task = null;
        }
        Throwable f = failure;
        if (f != null) {
            throw f instanceof RuntimeException re ? re : new IllegalStateException("gemv worker failed", f);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
