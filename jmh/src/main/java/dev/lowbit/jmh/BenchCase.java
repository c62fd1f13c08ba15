package dev.lowbit.jmh;

import java.util.Map;

/**
 * One row of {@code ./lowbit bench}: a JMH benchmark method run with fixed parameters in its own
 * fork, reported as one CSV line.
 *
 * @param benchmark CSV {@code benchmark} column (e.g. {@code fp32}, {@code vidkv}, {@code read_bw}, {@code gemv_int4})
 * @param tokens CSV {@code tokens} column (tokens, MiB for read_bw, {@code ROWSxCOLS} for GEMV)
 * @param threads CSV {@code threads} column
 * @param jmhMethod fully qualified benchmark method, e.g. {@code dev.lowbit.jmh.AttentionBench.step}
 * @param params JMH {@code @Param} values for this row
 * @param bytesPerOp bytes one operation reads (packed bytes for quantized data): gives {@code gb_per_s}
 * @param ratioGroup rows with the same group are compared with that group's baseline row
 *     ({@code ratio_vs_fp32} = baseline ms / this row's ms); {@code null} for no ratio
 * @param baseline whether this row is its group's baseline
 */
public record BenchCase(String benchmark, String tokens, int threads, String jmhMethod, Map<String, String> params,
                        long bytesPerOp, String ratioGroup, boolean baseline) {

    /** A short label for progress lines. */
    public String label() {
        return benchmark + " tokens=" + tokens + " threads=" + threads + (params.containsKey("heads") ? " heads=" + params.get("heads") : "");
    }
}
