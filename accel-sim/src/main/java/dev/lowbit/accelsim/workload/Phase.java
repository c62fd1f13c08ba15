package dev.lowbit.accelsim.workload;

import java.util.Locale;

/**
 * The two inference phases the accelerator model evaluates (the paper's generative and
 * discriminative settings; the authors' simulator calls them {@code is_generation} true / false).
 */
public enum Phase {
    /** One new token attending to {@code context} cached tokens: every layer is a GEMV. */
    DECODE,
    /** {@code context} tokens processed at once: every layer is a GEMM with {@code context} columns. */
    PREFILL;

    /** The lower-case name used on the command line and in CSV/JSON output. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code decode} or {@code prefill} (any case). */
    public static Phase parse(String s) {
        for (Phase p : values()) {
            if (p.id().equalsIgnoreCase(s.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("phase: expected decode or prefill, found '" + s + "'");
    }
}
