package dev.lowbit.packing.bitmod;

import java.util.List;
import java.util.Objects;

/**
 * BitMoD's per-group mixture-of-datatype quantizer (symmetric, absmax).
 *
 * <p>For a group x (normally G = 128 consecutive weights along the input dimension) and each
 * candidate type t: scale_t = E5M9-round(max|x| / maxAbs(t)) (see {@link BitModScale}), code_i =
 * the code of t nearest to x_i / scale_t, error_t = Σ (x_i − value_t(code_i)·scale_t)² in double.
 * The group keeps the candidate with the least error (ties: the earlier candidate). The error is
 * measured against the <em>stored</em> scale, so the choice is exactly what the packed file holds.
 * A group with max|x| = 0 gets scale 0, all codes 0 and the first candidate.
 *
 * <p>Candidate sets are configurable (any 1..4 types of one bit width: the packed layouts store a
 * 2-bit type id); {@link #bitmod3()} and {@link #bitmod4()} are the paper's sets.
 */
public final class BitModQuantizer {
    /** BitMoD's group size along the input dimension. */
    public static final int GROUP_SIZE = 128;

    private final BitModType[] candidates;
    private final int bits;

    /** A quantizer over {@code candidates} (1 to 4 types, all of one bit width). */
    public BitModQuantizer(BitModType... candidates) {
        Objects.requireNonNull(candidates, "candidates");
        if (candidates.length < 1 || candidates.length > 4) {
            throw new IllegalArgumentException("candidates: expected 1 to 4 datatypes (2-bit type id), found " + candidates.length);
        }
        this.bits = candidates[0].bits();
        for (BitModType t : candidates) {
            if (Objects.requireNonNull(t, "candidate").bits() != bits) {
                throw new IllegalArgumentException("candidates: expected datatypes of one width, found "
                        + candidates[0].paperName() + " (" + bits + " bits) and " + t.paperName() + " (" + t.bits() + " bits)");
            }
        }
        this.candidates = candidates.clone();
    }

    /** The paper's 3-bit set {fp3_sp_pos, fp3_sp_neg, fp3_sr_pos, fp3_sr_neg}. */
    public static BitModQuantizer bitmod3() {
        return new BitModQuantizer(BitModType.BITMOD3_CANDIDATES);
    }

    /** The paper's 4-bit set {fp4_sp_pos, fp4_sp_neg, fp4_sr_pos, fp4_sr_neg}. */
    public static BitModQuantizer bitmod4() {
        return new BitModQuantizer(BitModType.BITMOD4_CANDIDATES);
    }

    /** The paper's set for {@code bits} (3 or 4). */
    public static BitModQuantizer forBits(int bits) {
        return switch (bits) {
            case 3 -> bitmod3();
            case 4 -> bitmod4();
            default -> throw new IllegalArgumentException("bits: expected 3 or 4, found " + bits);
        };
    }

    public List<BitModType> candidates() {
        return List.of(candidates);
    }

    public int bits() {
        return bits;
    }

    /** What one group got: the index into the candidates, the stored scale and the squared error. */
    public record Choice(int typeId, BitModType type, int scaleField, float scale, double squaredError) {}

    /** The scale field a group of max |x| {@code absMax} gets under type {@code t}. */
    public static int scaleField(BitModType t, float absMax) {
        return BitModScale.encode(absMax / t.maxAbs());
    }

    /**
     * Codes of {@code x[off, off+len)} under type {@code t} and stored scale {@code scale} into
     * {@code codes[0, len)}; returns the squared error.
     */
    public static double encode(BitModType t, float scale, float[] x, int off, int len, byte[] codes) {
        double sse = 0;
        for (int i = 0; i < len; i++) {
            int c = scale == 0 ? 0 : t.nearestCode((double) x[off + i] / scale);
            codes[i] = (byte) c;
            double d = (double) x[off + i] - (double) t.value(c) * scale;
            sse += d * d;
        }
        return sse;
    }

    /** The squared error of type {@code t} on the group (what the choice minimises). */
    public static double groupError(BitModType t, float[] x, int off, int len) {
        float scale = BitModScale.decode(scaleField(t, absMax(x, off, len)));
        double sse = 0;
        for (int i = 0; i < len; i++) {
            int c = scale == 0 ? 0 : t.nearestCode((double) x[off + i] / scale);
            double d = (double) x[off + i] - (double) t.value(c) * scale;
            sse += d * d;
        }
        return sse;
    }

    /**
     * Quantizes one group: writes its codes to {@code codes[0, len)} (needs {@code len} bytes of
     * room; {@code scratch} the same) and returns the choice. Allocation-free.
     */
    public Choice quantizeGroup(float[] x, int off, int len, byte[] codes, byte[] scratch) {
        float absMax = absMax(x, off, len);
        int best = -1;
        double bestErr = Double.POSITIVE_INFINITY;
        int bestField = 0;
        for (int k = 0; k < candidates.length; k++) {
            int field = scaleField(candidates[k], absMax);
            double err = encode(candidates[k], BitModScale.decode(field), x, off, len, scratch);
            if (err < bestErr) {
                best = k;
                bestErr = err;
                bestField = field;
                System.arraycopy(scratch, 0, codes, 0, len);
            }
        }
        return new Choice(best, candidates[best], bestField, BitModScale.decode(bestField), bestErr);
    }

    static float absMax(float[] x, int off, int len) {
        float m = 0;
        for (int i = 0; i < len; i++) {
            m = Math.max(m, Math.abs(x[off + i]));
        }
        return m;
    }
}
