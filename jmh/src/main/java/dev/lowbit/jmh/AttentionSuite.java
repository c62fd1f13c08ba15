package dev.lowbit.jmh;

import dev.lowbit.kernels.attention.AttentionShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decode-attention rows: 28 query / 4 KV heads, d = 128 at 4k, 16k, 32k tokens, and ggml's CPU
 * flash-attention case 64 / 8 heads, d = 64 at 7680 tokens; every scheme at 1 and 2 threads
 * (scalar at 1); {@code vidkv} keeps 10% of the tokens salient (INT2 value rows) and
 * {@code vidkv-nosalient} none; {@code vidkv-tables} is VidKV with the opt-in int16 pair-table
 * values, the A/B of the integer value path. {@code --quick}: 16k only. Ratios compare with fp32 at the same shape, tokens
 * and threads.
 */
public final class AttentionSuite implements BenchSuite {
    /** Schemes in run order; the first SIMD one (fp32) is the ratio baseline. */
    public static final List<String> SCHEMES = List.of("scalar", "fp32", "fp16", "kivi2", "vidkv", "vidkv-nosalient", "vidkv-tables");

    @Override
    public List<BenchCase> cases(boolean quick) {
        List<BenchCase> rows = new ArrayList<>();
        List<String[]> shapes = quick
                ? List.<String[]>of(new String[] {"28x4x128", "16384"})
                : List.of(new String[] {"28x4x128", "4096"}, new String[] {"28x4x128", "16384"},
                        new String[] {"28x4x128", "32768"}, new String[] {"64x8x64", "7680"});
        for (String[] sh : shapes) {
            for (String scheme : SCHEMES) {
                if (!AttentionSchemes.available(scheme)) {
                    continue;
                }
                for (int threads : new int[] {1, 2}) {
                    if (scheme.equals("scalar") && threads > 1) {
                        continue; // the scalar reference is single-threaded
                    }
                    AttentionShape s = AttentionSchemes.parseHeads(sh[0]);
                    int tokens = Integer.parseInt(sh[1]);
                    rows.add(new BenchCase(scheme, sh[1], threads, "dev.lowbit.jmh.AttentionBench.step",
                            Map.of("scheme", scheme, "heads", sh[0], "tokens", sh[1], "threads", Integer.toString(threads)),
                            AttentionSchemes.bytesRead(scheme, s, tokens),
                            sh[0] + "/" + sh[1] + "/" + threads, scheme.equals("fp32")));
                }
            }
        }
        return rows;
    }
}
