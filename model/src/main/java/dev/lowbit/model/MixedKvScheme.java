package dev.lowbit.model;

import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.packing.kv.KvBlockCodec;

/**
 * Keys of one KV scheme with values of another: isolates which half of a scheme costs accuracy
 * (model-eval rows {@code vidkv-keys}: VidKV keys + KIVI-2 values, {@code vidkv-values}: KIVI-2 keys
 * + VidKV values). Any {@link KvScheme} plugs into the cache the same way.
 */
public record MixedKvScheme(String name, KvScheme keys, KvScheme values) implements KvScheme {
    @Override
    public KvBlockCodec keyCodec(int head, int groupSize, int headDim, float[] calibration, int calibrationTokens) {
        return keys.keyCodec(head, groupSize, headDim, calibration, calibrationTokens);
    }

    @Override
    public KvBlockCodec valueCodec(int groupSize, int headDim) {
        return values.valueCodec(groupSize, headDim);
    }

    @Override
    public boolean usesSalience() {
        return values.usesSalience();
    }

    @Override
    public long headMetadataBytes(int headDim) {
        return keys.headMetadataBytes(headDim);
    }
}
