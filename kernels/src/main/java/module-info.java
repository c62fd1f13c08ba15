/** Vector API kernels over lowbit's packed formats, with their scalar references. */
module dev.lowbit.kernels {
    requires transitive dev.lowbit.packing;
    requires transitive jdk.incubator.vector;

    exports dev.lowbit.kernels;
    exports dev.lowbit.kernels.gemv;
    exports dev.lowbit.kernels.kv;
    exports dev.lowbit.kernels.decode;
    exports dev.lowbit.kernels.attention;
    exports dev.lowbit.kernels.parallel;
}
