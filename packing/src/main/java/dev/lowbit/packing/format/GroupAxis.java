package dev.lowbit.packing.format;

/**
 * Which axis of a rank-2 tensor {@code [rows, cols]} a quantization group runs along.
 *
 * <p>For a KV cache {@code [tokens, channels]}: {@link #CHANNEL} quantizes each channel
 * separately in groups of G consecutive tokens (KIVI and VidKV keys, VidKV values);
 * {@link #TOKEN} quantizes each token separately in groups of G consecutive channels (KIVI
 * values). For a weight {@code [out, in]}, {@link #TOKEN} groups run along the input dimension.
 */
public enum GroupAxis {
    /** Groups of G consecutive rows within one column ("per channel"). */
    CHANNEL,
    /** Groups of G consecutive columns within one row ("per token"). */
    TOKEN;

    /** Parses {@code channel} or {@code token} (case-insensitive) with a clear error otherwise. */
    public static GroupAxis parse(String s) {
        for (GroupAxis a : values()) {
            if (a.name().equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("group axis must be 'channel' or 'token', was '" + s + "'");
    }
}
