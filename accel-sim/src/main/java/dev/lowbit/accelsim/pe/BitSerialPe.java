package dev.lowbit.accelsim.pe;

import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.util.Objects;

/**
 * A bit-accurate model of the BitMoD processing element: {@code lanes} bit-serial multipliers
 * (the dot-product size p; BitMoD uses 4) feeding one integer accumulator per group.
 *
 * <h2>Datapath, cycle by cycle</h2>
 * A weight is in unified form {@code s · m · 2^e} ({@link UnifiedWeight}). Its mantissa is
 * consumed {@value #BITS_PER_CYCLE} bits per cycle, least significant chunk first: in cycle
 * {@code c} lane {@code l} forms the partial product {@code s · (a · chunk_c(m)) << (e + 2c)} with a
 * 2-bit × activation multiplier and a shifter, and the adder tree adds the {@code lanes} partial
 * products into the group's integer accumulator. All lanes step in lock-step, so a weight takes
 * {@link #cyclesPerWeight(BitModType)} cycles whatever its value: {@code max(⌊b/2⌋,
 * ⌈mantissaBits/2⌉)}, i.e. 1 for the 3-bit sp/sr types and INT3, 2 for every 4-bit type (the
 * accelerator model's ⌊bits⌋/2), and 2 for the 3-bit sm types (mantissa 5 needs two chunks).
 * A group of {@code len} weights takes {@code ⌈len/lanes⌉ · cyclesPerWeight} cycles.
 *
 * <h2>Activations</h2>
 * <ul>
 *   <li>INT8: a_i in [−128, 127] enters the multiplier as is.</li>
 *   <li>FP16: the group's activations are first aligned to their largest exponent with
 *       round-half-to-even ({@link AlignedActivations}); the 12-bit signed magnitudes then enter the
 *       same integer datapath.</li>
 * </ul>
 * The accumulator is exact (a Java long; at most 128 · 2^12 · 16 · 2 in magnitude for a group of
 * 128 FP16-aligned activations, so 28 bits suffice in hardware). After the group, the PE
 * rescales once: {@link #rescaleInt8} or {@link #rescaleAligned}.
 *
 * <p>The model is stateless apart from its width and thread-safe; {@link #partialProduct} is the
 * per-cycle step for cycle-level array emulations.
 */
public final class BitSerialPe {
    /** Weight bits consumed per cycle. */
    public static final int BITS_PER_CYCLE = 2;

    private final int lanes;

    /** A PE with {@code lanes} bit-serial multipliers (BitMoD: 4). */
    public BitSerialPe(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes: expected >= 1, found " + lanes);
        }
        this.lanes = lanes;
    }

    /** Multipliers working in parallel (the dot-product size p). */
    public int lanes() {
        return lanes;
    }

    /** Cycles one weight of {@code type} occupies a lane: max(⌊bits/2⌋, ⌈mantissaBits/2⌉). */
    public static int cyclesPerWeight(BitModType type) {
        return Math.max(type.bits() / BITS_PER_CYCLE, (type.mantissaBits() + BITS_PER_CYCLE - 1) / BITS_PER_CYCLE);
    }

    /** Cycles for a group of {@code len} weights of {@code type}. */
    public long groupCycles(BitModType type, int len) {
        return (long) ((len + lanes - 1) / lanes) * cyclesPerWeight(type);
    }

    /**
     * The partial product one lane adds in cycle {@code cycle} for weight {@code w} and integer
     * activation {@code a}: {@code sign · (a · chunk_cycle(m)) << (e + 2·cycle)}.
     */
    public static long partialProduct(UnifiedWeight w, int a, int cycle) {
        long p = (long) a * w.chunk(cycle);
        return w.sign() * (p << (w.exponent() + BITS_PER_CYCLE * cycle));
    }

    /** Runs one lane's weight to completion: the sum of its partial products over its cycles. */
    static long serialProduct(UnifiedWeight w, int a, int cycles) {
        long acc = 0;
        for (int c = 0; c < cycles; c++) {
            acc += partialProduct(w, a, c);
        }
        return acc;
    }

    /**
     * Group dot product of {@code codes[codeOff, codeOff+len)} (codes of {@code type}) with INT8
     * activations {@code acts[actOff, actOff+len)}, bit-serially.
     */
    public GroupResult dotInt8(BitModType type, byte[] codes, int codeOff, byte[] acts, int actOff, int len) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(codeOff, len, codes.length);
        Objects.checkFromIndexSize(actOff, len, acts.length);
        int[] a = new int[len];
        for (int i = 0; i < len; i++) {
            a[i] = acts[actOff + i];
        }
        return run(type, codes, codeOff, a, len);
    }

    /** Group dot product with FP16 activations aligned to a shared exponent. */
    public GroupResult dotAligned(BitModType type, byte[] codes, int codeOff, AlignedActivations acts) {
        Objects.requireNonNull(type, "type");
        int len = acts.values().length;
        Objects.checkFromIndexSize(codeOff, len, codes.length);
        return run(type, codes, codeOff, acts.values(), len);
    }

    private GroupResult run(BitModType type, byte[] codes, int codeOff, int[] a, int len) {
        int cpw = cyclesPerWeight(type);
        long acc = 0;
        long cycles = 0;
        for (int i0 = 0; i0 < len; i0 += lanes) {
            // one step of the array: every lane takes one weight for cpw cycles
            for (int c = 0; c < cpw; c++) {
                for (int l = 0; l < lanes && i0 + l < len; l++) {
                    int code = codes[codeOff + i0 + l];
                    if (code < 0 || code >= type.codeCount()) {
                        throw new IllegalArgumentException("code " + (codeOff + i0 + l) + ": expected 0.." + (type.codeCount() - 1)
                                + " for " + type.paperName() + ", found " + code);
                    }
                    acc += partialProduct(UnifiedWeight.of(type, code), a[i0 + l], c);
                }
                cycles++;
            }
        }
        return new GroupResult(acc, cycles);
    }

    /** One output of a packed row: the rescaled sum over its groups and the PE cycles it took. */
    public record RowResult(double value, long cycles) {}

    /**
     * Row {@code row} of a packed BITMOD3/BITMOD4 weight (groups along cols) times INT8
     * activations {@code acts} (length cols) with one activation scale: each group runs through the
     * PE, is rescaled once ({@link #rescaleInt8}) and the group results are summed in double.
     */
    public RowResult dotRow(QuantizedTensor w, long row, byte[] acts, float actScale) {
        Objects.requireNonNull(w, "w");
        if (w.format() != PackedFormat.BITMOD3 && w.format() != PackedFormat.BITMOD4) {
            throw new IllegalArgumentException("w: expected BITMOD3 or BITMOD4 weights, found " + w.format());
        }
        if (w.axis() != GroupAxis.TOKEN) {
            throw new IllegalArgumentException("w: expected groups along the input dimension (axis token), found " + w.axis());
        }
        if (acts.length != w.cols()) {
            throw new IllegalArgumentException("acts: expected " + w.cols() + " activations, found " + acts.length);
        }
        Objects.checkIndex(row, w.rows());
        BitModCodec codec = (BitModCodec) w.format().codec();
        int g = w.groupSize();
        long perRow = (w.cols() + g - 1) / g;
        byte[] codes = new byte[g];
        double sum = 0;
        long cycles = 0;
        for (long b = 0; b < perRow; b++) {
            long k = row * perRow + b;
            int len = w.blockLength(k);
            long co = k * codec.codeBytes(g);
            for (int i = 0; i < len; i++) {
                codes[i] = (byte) codec.code(w.codes(), co, i);
            }
            BitModType t = codec.type(BitModCodec.typeId(w.meta(), k * codec.metaBytes()));
            GroupResult gr = dotInt8(t, codes, 0, acts, (int) (b * g), len);
            sum += rescaleInt8(gr.accumulator(), BitModCodec.scale(w.meta(), k * codec.metaBytes()), actScale);
            cycles += gr.cycles();
        }
        return new RowResult(sum, cycles);
    }

    /** The one rescale per group for INT8 activations: acc · weightScale · actScale, rounded once to float. */
    public static float rescaleInt8(long accumulator, float weightScale, float actScale) {
        return (float) ((double) accumulator * weightScale * actScale);
    }

    /** The one rescale per group for aligned FP16 activations: acc · weightScale · 2^sharedExponent, rounded once. */
    public static float rescaleAligned(long accumulator, float weightScale, int sharedExponent) {
        return (float) Math.scalb((double) accumulator * weightScale, sharedExponent);
    }

    /**
     * The reference the PE must equal bit-exactly: Σ value(code_i) · a_i with plain integer
     * multiplication (no bit-serial decomposition).
     */
    public static long referenceDot(BitModType type, byte[] codes, int codeOff, int[] a, int aOff, int len) {
        long s = 0;
        for (int i = 0; i < len; i++) {
            s += (long) type.value(codes[codeOff + i]) * a[aOff + i];
        }
        return s;
    }

    /**
     * Symmetric INT8 quantization of activations, one scale for {@code x[off, off+len)}:
     * scale = max|x| / 127, q = round-half-even(x / scale). Writes {@code q} and returns the scale.
     */
    public static float quantizeInt8(float[] x, int off, int len, byte[] q, int qOff) {
        float m = 0;
        for (int i = 0; i < len; i++) {
            m = Math.max(m, Math.abs(x[off + i]));
        }
        float scale = m / 127f;
        for (int i = 0; i < len; i++) {
            q[qOff + i] = (byte) (scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.rint(x[off + i] / scale))));
        }
        return scale;
    }
}
