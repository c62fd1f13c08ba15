/**
 * Off-heap low-bit tensors: the packed formats, their quantizers and scalar reference
 * dequantizers, and file I/O. Plain Java only: nothing here uses {@code jdk.incubator.vector}.
 */
module dev.lowbit.packing {
    exports dev.lowbit.packing;
    exports dev.lowbit.packing.format;
    exports dev.lowbit.packing.io;
    exports dev.lowbit.packing.bitmod;
    exports dev.lowbit.packing.kv;
}
