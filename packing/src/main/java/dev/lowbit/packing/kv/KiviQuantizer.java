package dev.lowbit.packing.kv;

import dev.lowbit.packing.format.PackedFormat;

/**
 * KIVI-2 (the baseline): INT2 asymmetric, keys per channel (groups of G tokens), values per token
 * (groups of G channels); G = 32 and a full-precision residual window of R = 128 tokens by
 * default (the window is the cache's job). Block layouts: {@link ChannelGroupCodec} for keys,
 * {@link TokenGroupCodec} for values. Honest bits at G = 32: 3.0 for both.
 */
public final class KiviQuantizer {
    public static final int DEFAULT_GROUP = 32;
    public static final int DEFAULT_RESIDUAL = 128;

    private KiviQuantizer() {}

    public static ChannelGroupCodec keys(int groupSize, int headDim) {
        return new ChannelGroupCodec(PackedFormat.INT2, groupSize, headDim);
    }

    public static TokenGroupCodec values(int groupSize, int headDim) {
        return new TokenGroupCodec(PackedFormat.INT2, groupSize, headDim);
    }
}
