/** The BitMoD bit-serial PE model and an analytical accelerator model (BitMoD, ANT, OliVe, FP16). */
module dev.lowbit.accelsim {
    requires transitive dev.lowbit.packing;
    exports dev.lowbit.accelsim.pe;
    exports dev.lowbit.accelsim.workload;
    exports dev.lowbit.accelsim.model;
    exports dev.lowbit.accelsim.eval;
    exports dev.lowbit.accelsim.array;

}
