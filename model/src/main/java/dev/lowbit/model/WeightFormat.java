package dev.lowbit.model;

import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.bitmod.WeightScheme;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.Arena;
import java.util.Locale;

/**
 * How the encoder's linear weights are stored: FP32, or packed for lowbit's GEMV (BitMoD 3/4,
 * TERNARY2, INT2), or INT4 asymmetric, which lowbit has no packed format or GEMV for: those
 * weights are fake-quantized with {@link WeightScheme} (same groups, honest bits from it) and
 * multiplied in FP32. Groups run along the input dimension, G = 128 (BitMoD's; 384 and 1536 are
 * multiples of it, so no group is short).
 */
public enum WeightFormat {
    FP32("fp32"),
    BITMOD4("bitmod4"),
    BITMOD3("bitmod3"),
    INT_ASYM4("int_asym4"),
    TERNARY2("ternary2"),
    INT2("int2");

    /** Group size along the input dimension for every quantized format. */
    public static final int GROUP = 128;

    private final String label;

    WeightFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** By label (case-insensitive). */
    public static WeightFormat parse(String s) {
        for (WeightFormat f : values()) {
            if (f.label.equalsIgnoreCase(s.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + s + "'; expected one of fp32, bitmod4, bitmod3, int_asym4, ternary2, int2");
    }

    /** Whether the multiply runs on lowbit's packed GEMV (else FP32, possibly over fake-quantized weights). */
    public boolean packed() {
        return this != FP32 && this != INT_ASYM4;
    }

    /** The layer {@code w} stored this way; packed data in {@code arena}. */
    public Linear linear(BertWeights.Dense w, Arena arena, RowPool pool) {
        return switch (this) {
            case FP32 -> new Fp32Linear(w, pool);
            case BITMOD4 -> new LowBitLinear(w, PackedFormat.BITMOD4, GROUP, arena, pool);
            case BITMOD3 -> new LowBitLinear(w, PackedFormat.BITMOD3, GROUP, arena, pool);
            case TERNARY2 -> new LowBitLinear(w, PackedFormat.TERNARY2, GROUP, arena, pool);
            case INT2 -> new LowBitLinear(w, PackedFormat.INT2, GROUP, arena, pool);
            case INT_ASYM4 -> {
                WeightScheme s = WeightScheme.of("int_asym", 4);
                float[] q = new float[w.weight().length];
                s.fakeQuantize(w.weight(), w.out(), w.in(), GROUP, q, null);
                long bits = Math.round(s.honestBits(w.in(), GROUP) * w.in()) * w.out();
                yield new Fp32Linear(new BertWeights.Dense(w.out(), w.in(), q, w.bias()), bits, pool);
            }
        };
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
