package dev.lowbit.accelsim.array;

import dev.lowbit.accelsim.model.AcceleratorModel;
import dev.lowbit.accelsim.model.ArrayShape;
import dev.lowbit.accelsim.model.Designs;
import dev.lowbit.accelsim.workload.LayerOp;
import dev.lowbit.accelsim.workload.OpKind;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.packing.bitmod.BitModQuantizer;
import java.util.Random;

/**
 * Runs one random LLM-like layer through the emulated BitMoD array and checks it against the
 * reference GEMV and the analytical model: the check behind {@code lowbit sim --emulate}.
 * Decode uses BitMoD's 3-bit weights on its 64×16 decode array, prefill 4-bit on 32×32.
 *
 * @param phase            which published array and precision
 * @param array            the PE array
 * @param bits             weight code bits
 * @param cout             output channels
 * @param cin              input channels
 * @param tokens           tokens
 * @param emulatedCycles   cycles of the emulation
 * @param analyticalCycles compute cycles of the analytical model for the same layer
 * @param maxAbsDiff       largest |emulated − reference| output (0 when bit-exact)
 * @param relRmsVsFloat    RMS error of the outputs against the FP32 product of the unquantized operands, relative to its RMS
 */
public record TileCheck(Phase phase, ArrayShape array, int bits, int cout, int cin, int tokens,
                        long emulatedCycles, long analyticalCycles, double maxAbsDiff, double relRmsVsFloat) {

    /** Emulates [cout, cin] × [tokens, cin] with Gaussian weights and activations drawn from {@code seed}. */
    public static TileCheck run(Phase phase, int cout, int cin, int tokens, long seed) {
        if (cout <= 0 || cin <= 0 || tokens <= 0 || (long) cout * cin > 1 << 24 || (long) tokens * cin > 1 << 24) {
            throw new IllegalArgumentException("emulate: expected a small positive layer (cout·cin and tokens·cin <= 2^24), found "
                    + cout + " x " + cin + " x " + tokens);
        }
        int bits = phase == Phase.DECODE ? 3 : 4;
        ArrayShape shape = Designs.BITMOD.array(phase);
        Random r = new Random(seed);
        float[] w = new float[cout * cin];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
        }
        float[] x = new float[tokens * cin];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        BitModMatrix m = BitModMatrix.quantize(w, cout, cin, BitModQuantizer.GROUP_SIZE, BitModQuantizer.forBits(bits));
        Int8Activations a = Int8Activations.quantize(x, tokens, cin);
        PeArrayEmulator.Result res = new PeArrayEmulator(shape, Designs.BITMOD.dotProductSize()).run(m, a);
        float[] ref = PeArrayEmulator.referenceGemm(m, a);
        double maxDiff = 0;
        double err2 = 0;
        double ref2 = 0;
        for (int t = 0; t < tokens; t++) {
            for (int o = 0; o < cout; o++) {
                maxDiff = Math.max(maxDiff, Math.abs(res.out()[t * cout + o] - ref[t * cout + o]));
                double exact = 0;
                for (int i = 0; i < cin; i++) {
                    exact += (double) w[o * cin + i] * x[t * cin + i];
                }
                double d = res.out()[t * cout + o] - exact;
                err2 += d * d;
                ref2 += exact * exact;
            }
        }
        double modelBits = bits + 8.0 / BitModQuantizer.GROUP_SIZE;
        long analytical = AcceleratorModel.layer(Designs.BITMOD, shape,
                new LayerOp("tile", OpKind.LINEAR, cout, cin, tokens, 1), modelBits).computeCycles();
        return new TileCheck(phase, shape, bits, cout, cin, tokens, res.cycles(), analytical, maxDiff,
                ref2 == 0 ? 0 : Math.sqrt(err2 / ref2));
    }
}
