package dev.lowbit.model;

import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;

/**
 * A linear layer on lowbit's GEMV: W packed once in a {@link PackedFormat} (groups of G along the
 * input dimension), then one {@link LowBitGemv#multiply} per token straight from the packed codes.
 * This is the code a runtime copies: quantize with {@link QuantizedTensor#quantize}, wrap in a
 * {@link LowBitGemv}, call {@code multiply(x, y, pool)} per token, add the bias.
 */
public final class LowBitLinear implements Linear {
    private final QuantizedTensor packed;
    private final LowBitGemv gemv;
    private final float[] bias;
    private final RowPool pool;

    /**
     * Packs {@code w} into {@code format} with groups of {@code groupSize} inputs; packed data lives in
     * {@code arena}, which must be shared (or global / automatic) when {@code pool} has more than one thread.
     */
    public LowBitLinear(BertWeights.Dense w, PackedFormat format, int groupSize, Arena arena, RowPool pool) {
        try (Arena tmp = Arena.ofConfined()) {
            Tensor src = Tensor.of(tmp, w.weight(), w.out(), w.in());
            this.packed = QuantizedTensor.quantize(src, format, GroupAxis.TOKEN, groupSize, arena);
        }
        this.gemv = new LowBitGemv(packed);
        this.bias = w.bias();
        this.pool = pool;
    }

    @Override
    public int in() {
        return Math.toIntExact(packed.cols());
    }

    @Override
    public int out() {
        return Math.toIntExact(packed.rows());
    }

    @Override
    public long weightBits() {
        return (packed.payloadBytes() + packed.metadataBytes()) * 8;
    }

    @Override
    public void forward(float[][] x, float[][] y, int n) {
        for (int t = 0; t < n; t++) {
            float[] yt = y[t];
            gemv.multiply(x[t], yt, pool);
            for (int r = 0; r < bias.length; r++) {
                yt[r] += bias[r];
            }
        }
    }
}
