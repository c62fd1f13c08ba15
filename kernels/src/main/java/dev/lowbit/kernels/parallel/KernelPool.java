package dev.lowbit.kernels.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread pool of lowbit's kernels (attention directly, GEMV through
 * {@link dev.lowbit.kernels.parallel.RowPool}): a fixed set of threads that run one {@link Task} over
 * units {@code 0 .. units-1}, the calling thread taking part. Units are handed out dynamically, but each unit writes only its own
 * output slot, so results never depend on which thread ran what: the reduction order is fixed
 * by the caller (unit index order).
 *
 * <p>No allocation per {@link #run}: the task object is reused by the caller, workers are
 * woken with {@link LockSupport#unpark}. One {@code run} at a time per pool (synchronized).
 * Workers are daemon threads; {@link #close} stops them.
 */
public final class KernelPool implements AutoCloseable {

    /** Work over numbered units; {@code worker} in {@code 0 .. threads-1} indexes per-thread scratch. */
    public interface Task {
        void run(int unit, int worker);
    }

    /**
     * Spin-waits before parking: short, because a PAUSE costs ~40-140 cycles and these machines
     * are shared (a long spin steals the core the other thread needs); calls last milliseconds,
     * so an unpark's ~10-50 µs wake-up is cheap.
     */
    private static final int SPINS = 256;

    private final int threads;
    private final Thread[] workers;
    private final Thread[] waiting;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private volatile Task task;
    private volatile int units;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Thread caller;

    /** A pool of {@code threads} threads in total (the caller plus {@code threads - 1} workers). */
    public KernelPool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, was " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.waiting = workers;
        for (int i = 0; i < workers.length; i++) {
            int w = i + 1;
            Thread t = new Thread(() -> workerLoop(w), "lowbit-kernel-" + w);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Whether every worker thread may access {@code segment} (false for another thread's confined arena). */
    public boolean accessibleByAll(java.lang.foreign.MemorySegment segment) {
        for (Thread w : workers) {
            if (!segment.isAccessibleBy(w)) {
                return false;
            }
        }
        return true;
    }

    /** Total threads, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over units {@code 0 .. units-1} and returns when all are done.
     *
     * @throws IllegalStateException if the pool is closed
     * @throws RuntimeException the first exception a unit threw (rethrown here)
     */
    public synchronized void run(Task task, int units) {
        if (closed) {
            throw new IllegalStateException("kernel pool is closed");
        }
        if (units <= 0) {
            return;
        }
        if (workers.length == 0 || units == 1) {
            for (int u = 0; u < units; u++) {
                task.run(u, 0);
            }
            return;
        }
        this.task = task;
        this.units = units;
        this.failure = null;
        this.caller = Thread.currentThread();
        next.set(0);
        running.set(workers.length);
        generation++; // volatile write: publishes task, units and counters to the workers
        for (Thread t : waiting) {
            LockSupport.unpark(t);
        }
        drain(task, units, 0);
        int spins = 0;
        while (running.get() != 0) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 200_000); // the last worker unparks us
            }
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("kernel task failed", f);
        }
    }

    private void drain(Task t, int n, int worker) {
        try {
            for (int u = next.getAndIncrement(); u < n; u = next.getAndIncrement()) {
                t.run(u, worker);
            }
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
            next.set(n); // stop handing out units
        }
    }

    private void workerLoop(int worker) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            drain(task, units, worker);
            if (running.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
