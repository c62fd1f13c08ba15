/** Property tests (QuickTheories): SIMD equals scalar, round trips, error bounds, bad input. */
module dev.lowbit.propertytests {
    requires dev.lowbit.packing;
    requires dev.lowbit.kernels;
    requires dev.lowbit.accelsim;

}
