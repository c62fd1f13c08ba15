/** JMH benchmarks for lowbit's kernels (run on the class path by {@code ./lowbit bench}). */
module dev.lowbit.jmh {
    requires transitive dev.lowbit.kernels;
    requires dev.lowbit.accelsim;
    requires jmh.core;
    requires jdk.incubator.vector;

    exports dev.lowbit.jmh;
}
