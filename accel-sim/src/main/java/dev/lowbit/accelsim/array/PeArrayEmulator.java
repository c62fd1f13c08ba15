package dev.lowbit.accelsim.array;

import dev.lowbit.accelsim.model.ArrayShape;
import dev.lowbit.accelsim.pe.BitSerialPe;
import dev.lowbit.accelsim.pe.GroupResult;
import dev.lowbit.packing.bitmod.BitModType;

/**
 * A cycle-level emulation of an h×w array of BitMoD PEs ({@link BitSerialPe}, the bit-accurate PE
 * model, called for every PE and every step) running {@code out[T, cout] = x[T, cin] · Wᵀ} with
 * BitMoD weights and INT8 activations.
 *
 * <p>Dataflow (the analytical model's tiling): PE (r, c) of a tile owns output row
 * {@code r0 + r} and token {@code t0 + c}. The tile walks the input dimension in chunks of p (the
 * PE's lanes); in each step every active PE runs its p weights against its token's p activations
 * bit-serially, into its per-group integer accumulator. The array is lock-step, so a step takes as
 * many cycles as its slowest PE (PEs outside the matrix idle but still take the step). When a chunk
 * closes a weight group, each PE rescales its accumulator once (weight scale × token scale,
 * {@link BitSerialPe#rescaleInt8}) and adds it to its float output, groups in order.
 * Chunks never straddle groups, so G must be a multiple of p.
 *
 * <p>So the cycle count is Σ over tiles and chunks of the slowest PE's cycles: ⌈cin/p⌉·⌈cout/h⌉·⌈T/w⌉
 * tiles × cycles per weight, exactly the analytical model's compute cycles when every group's
 * datatype takes the analytical latency (true for the paper's 3- and 4-bit candidate sets).
 */
public final class PeArrayEmulator {
    private final ArrayShape shape;
    private final BitSerialPe pe;

    /** An array of {@code shape} PEs with {@code lanes} multipliers each (BitMoD: 64×16 or 32×32, p = 4). */
    public PeArrayEmulator(ArrayShape shape, int lanes) {
        this.shape = shape;
        this.pe = new BitSerialPe(lanes);
    }

    /**
     * What the array computed and how long it took.
     *
     * @param out       [tokens, cout] outputs, row-major
     * @param cycles    array cycles (lock-step)
     * @param tiles     ⌈cin/p⌉ · ⌈cout/h⌉ · ⌈T/w⌉ tile steps
     * @param peSteps   PE steps that did work (the rest idled at tile edges)
     */
    public record Result(float[] out, long cycles, long tiles, long peSteps) {}

    /** Runs the matrix product on the array. */
    public Result run(BitModMatrix w, Int8Activations x) {
        if (w.cols() != x.cols()) {
            throw new IllegalArgumentException("activations: expected " + w.cols() + " input channels (the weight's cin), found "
                    + x.cols());
        }
        int p = pe.lanes();
        if (w.groupSize() % p != 0) {
            throw new IllegalArgumentException("groupSize: expected a multiple of the PE's " + p + " lanes, found "
                    + w.groupSize());
        }
        int h = shape.rows();
        int wc = shape.cols();
        int cout = w.rows();
        int cin = w.cols();
        int tokens = x.tokens();
        float[] out = new float[tokens * cout];
        long[] acc = new long[h * wc];
        long cycles = 0;
        long tiles = 0;
        long peSteps = 0;
        for (int t0 = 0; t0 < tokens; t0 += wc) {
            for (int r0 = 0; r0 < cout; r0 += h) {
                java.util.Arrays.fill(acc, 0);
                for (int k = 0; k < cin; k += p) {
                    int len = Math.min(p, cin - k);
                    long step = 0;
                    for (int r = 0; r < h; r++) {
                        int row = r0 + r;
                        if (row >= cout) {
                            continue;
                        }
                        BitModType type = w.typeAt(row, k);
                        for (int c = 0; c < wc; c++) {
                            int t = t0 + c;
                            if (t >= tokens) {
                                continue;
                            }
                            GroupResult g = pe.dotInt8(type, w.codes(), row * cin + k, x.codes(), t * cin + k, len);
                            acc[r * wc + c] += g.accumulator();
                            step = Math.max(step, g.cycles());
                            peSteps++;
                        }
                    }
                    // idle PEs (past the matrix edge) still clock the step; PE (0, 0) of a tile is always active
                    cycles += step;
                    tiles++;
                    boolean groupEnds = (k + len) % w.groupSize() == 0 || k + len == cin;
                    if (groupEnds) {
                        int gIndex = k / w.groupSize();
                        for (int r = 0; r < h && r0 + r < cout; r++) {
                            int row = r0 + r;
                            float scale = w.groupScales()[row * w.groupsPerRow() + gIndex];
                            for (int c = 0; c < wc && t0 + c < tokens; c++) {
                                int t = t0 + c;
                                out[t * cout + row] += BitSerialPe.rescaleInt8(acc[r * wc + c], scale, x.scales()[t]);
                                acc[r * wc + c] = 0;
                            }
                        }
                    }
                }
            }
        }
        return new Result(out, cycles, tiles, peSteps);
    }

    /**
     * The reference the array must equal bit-exactly: per output, per group in order, the plain
     * integer dot product ({@link BitSerialPe#referenceDot}) rescaled once and added in float.
     */
    public static float[] referenceGemm(BitModMatrix w, Int8Activations x) {
        int cout = w.rows();
        int cin = w.cols();
        int gs = w.groupSize();
        float[] out = new float[x.tokens() * cout];
        int[] a = new int[cin];
        for (int t = 0; t < x.tokens(); t++) {
            for (int i = 0; i < cin; i++) {
                a[i] = x.codes()[t * cin + i];
            }
            for (int row = 0; row < cout; row++) {
                float sum = 0;
                for (int g = 0; g < w.groupsPerRow(); g++) {
                    int len = Math.min(gs, cin - g * gs);
                    long dot = BitSerialPe.referenceDot(w.groupTypes()[row * w.groupsPerRow() + g], w.codes(),
                            row * cin + g * gs, a, g * gs, len);
                    sum += BitSerialPe.rescaleInt8(dot, w.groupScales()[row * w.groupsPerRow() + g], x.scales()[t]);
                }
                out[t * cout + row] = sum;
            }
        }
        return out;
    }
}
