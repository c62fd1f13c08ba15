package dev.lowbit.kernels.kv;

import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.kv.ChannelGroupCodec;
import dev.lowbit.packing.kv.ChannelSplit;
import dev.lowbit.packing.kv.KiviQuantizer;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.VidKvKeyQuantizer;
import dev.lowbit.packing.kv.VidKvValueQuantizer;
import java.util.List;

/**
 * A KV-cache quantization scheme: which {@link KvBlockCodec} packs a head's key blocks and
 * which packs its value blocks. Schemes are immutable configuration; a {@link QuantizedKvCache}
 * asks for one key codec per KV head when it quantizes that head's first block, handing over the
 * head's first {@code calibrationTokens} tokens (VidKV ranks channels on them; others ignore them).
 */
public interface KvScheme {

    /** Name used in reports and on the command line: vidkv, kivi2, int2, int1, ternary. */
    String name();

    /**
     * The key codec of KV head {@code head}.
     *
     * @param calibration the head's first {@code calibrationTokens} keys, token-major [tokens][d]
     */
    KvBlockCodec keyCodec(int head, int groupSize, int headDim, float[] calibration, int calibrationTokens);

    /** The value codec (the same for every head). */
    KvBlockCodec valueCodec(int groupSize, int headDim);

    /** Whether value blocks use {@link dev.lowbit.packing.kv.SalientTokens} (VidKV). */
    default boolean usesSalience() {
        return false;
    }

    /** Per-head metadata bytes outside the blocks (VidKV's channel map: one bit per channel). */
    default long headMetadataBytes(int headDim) {
        return 0;
    }

    /** The names {@link #parse} accepts, in report order. */
    List<String> NAMES = List.of("vidkv", "kivi2", "int2", "int1", "ternary");

    /** A scheme by name (case-insensitive). */
    static KvScheme parse(String name) {
        return switch (name.trim().toLowerCase()) {
            case "vidkv" -> vidkv();
            case "kivi2", "kivi" -> kivi2();
            case "int2" -> plain("int2", PackedFormat.INT2);
            case "int1" -> plain("int1", PackedFormat.INT1);
            case "ternary", "ternary2" -> plain("ternary", PackedFormat.TERNARY2);
            default -> throw new IllegalArgumentException("unknown KV scheme '" + name + "'; expected one of " + String.join(", ", NAMES));
        };
    }

    /** VidKV with the authors' defaults: 1.5-bit keys (50% anomalous channels), 1.58-bit values. */
    static KvScheme vidkv() {
        return vidkv(1.5);
    }

    /** VidKV with a key bit budget in [1, 2]: anomalous fraction = bits − 1. */
    static KvScheme vidkv(double keyBits) {
        ChannelSplit.anomalousCountForBits(keyBits, 1); // validates the range
        return new VidKv(keyBits, null);
    }

    /** VidKV with an explicit channel split per KV head (index = head). */
    static KvScheme vidkv(List<ChannelSplit> splits) {
        return new VidKv(Double.NaN, List.copyOf(splits));
    }

    /** KIVI-2: INT2 keys per channel, INT2 values per token. */
    static KvScheme kivi2() {
        return new Kivi2();
    }

    /** Keys and values in one format, both grouped per channel (G tokens). */
    static KvScheme plain(String name, PackedFormat format) {
        return new Plain(name, format);
    }

    /** VidKV: see {@link VidKvKeyQuantizer}, {@link VidKvValueQuantizer}. */
    record VidKv(double keyBits, List<ChannelSplit> splits) implements KvScheme {
        @Override
        public String name() {
            return "vidkv";
        }

        @Override
        public KvBlockCodec keyCodec(int head, int groupSize, int headDim, float[] calibration, int calibrationTokens) {
            ChannelSplit split;
            if (splits != null) {
                if (head >= splits.size()) {
                    throw new IllegalArgumentException("explicit VidKV splits given for " + splits.size() + " heads, head " + head + " has none");
                }
                split = splits.get(head);
                if (split.headDim() != headDim) {
                    throw new IllegalArgumentException("VidKV split of head " + head + " is for head dim " + split.headDim()
                            + ", the cache has " + headDim);
                }
            } else {
                split = ChannelSplit.byRange(calibration, 0, calibrationTokens, headDim,
                        ChannelSplit.anomalousCountForBits(keyBits, headDim));
            }
            return new VidKvKeyQuantizer(groupSize, split);
        }

        @Override
        public KvBlockCodec valueCodec(int groupSize, int headDim) {
            return new VidKvValueQuantizer(groupSize, headDim);
        }

        @Override
        public boolean usesSalience() {
            return true;
        }

        @Override
        public long headMetadataBytes(int headDim) {
            return (headDim + 7) / 8;
        }
    }

    /** KIVI-2. */
    record Kivi2() implements KvScheme {
        @Override
        public String name() {
            return "kivi2";
        }

        @Override
        public KvBlockCodec keyCodec(int head, int groupSize, int headDim, float[] calibration, int calibrationTokens) {
            return KiviQuantizer.keys(groupSize, headDim);
        }

        @Override
        public KvBlockCodec valueCodec(int groupSize, int headDim) {
            return KiviQuantizer.values(groupSize, headDim);
        }
    }

    /** One format for keys and values, per channel. */
    record Plain(String name, PackedFormat format) implements KvScheme {
        @Override
        public KvBlockCodec keyCodec(int head, int groupSize, int headDim, float[] calibration, int calibrationTokens) {
            return new ChannelGroupCodec(format, groupSize, headDim);
        }

        @Override
        public KvBlockCodec valueCodec(int groupSize, int headDim) {
            return new ChannelGroupCodec(format, groupSize, headDim);
        }
    }
}
