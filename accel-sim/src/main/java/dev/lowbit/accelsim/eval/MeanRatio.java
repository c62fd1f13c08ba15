package dev.lowbit.accelsim.eval;

/**
 * BitMoD's mean advantage over one baseline design across a set of (model, phase) points.
 *
 * @param metric     {@code speedup} (baseline cycles / BitMoD cycles) or {@code energy} (baseline energy / BitMoD energy)
 * @param baseline   the baseline design id
 * @param scope      {@code decode}, {@code prefill} or {@code all}
 * @param points     number of (model, phase) points averaged
 * @param geometric  geometric mean of the ratios
 * @param arithmetic arithmetic mean of the ratios
 * @param paper      the paper's number for this comparison, or NaN when it quotes none
 */
public record MeanRatio(String metric, String baseline, String scope, int points, double geometric, double arithmetic,
                        double paper) {
}
