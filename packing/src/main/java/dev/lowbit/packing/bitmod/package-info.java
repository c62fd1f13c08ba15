/** BitMoD weights: the mixture-of-datatype 3/4-bit datatypes ({@link dev.lowbit.packing.bitmod.BitModType}), the per-group least-error quantizer, the BITMOD3/BITMOD4 packed layouts ({@link dev.lowbit.packing.bitmod.BitModCodec}), the accuracy baselines ({@link dev.lowbit.packing.bitmod.WeightScheme}) and a synthetic weight generator. */
package dev.lowbit.packing.bitmod;
