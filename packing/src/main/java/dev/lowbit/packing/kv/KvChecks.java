package dev.lowbit.packing.kv;

import dev.lowbit.packing.format.Fp16;

/** Argument checks shared by the KV quantizers. */
public final class KvChecks {
    private KvChecks() {}

    public static int positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
        return v;
    }

    /**
     * Checks a value entering a quantizer: finite with {@code |x| <= 65504} (metadata is FP16).
     *
     * @param where how to name the element in the message, e.g. "K[head 1, token 7, channel 3]"
     */
    public static void quantizable(float v, String where) {
        if (!Float.isFinite(v) || Math.abs(v) > Fp16.MAX) {
            throw new IllegalArgumentException(where + " is " + v
                    + "; quantizers take finite values with |x| <= 65504 (FP16 metadata range)");
        }
    }
}
