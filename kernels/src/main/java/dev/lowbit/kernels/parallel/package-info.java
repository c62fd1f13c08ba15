/**
 * The one worker pool of lowbit's kernels: {@link dev.lowbit.kernels.parallel.KernelPool} runs a
 * task's units on a fixed set of spinning threads (the caller takes part), and
 * {@link dev.lowbit.kernels.parallel.RowPool} slices a GEMV's rows over it. Both attention and GEMV
 * use them; neither depends on the other. Results never depend on the thread count: units and
 * row slices are fixed by the task, and merges run in unit order.
 */
package dev.lowbit.kernels.parallel;
