package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One packed key block of G = 32 tokens as token-major bit words, for integer key scoring
 * ({@link IntegerKeyScorer}); per-worker scratch, refilled by {@link #load} once per block and
 * shared by every query head of the KV head.
 *
 * <p><b>Bit rows.</b> Every key-tile row ({@link KvTileDecoder.KeyPlan}) becomes one or two rows
 * of 32 token bits: an INT1 row (VidKV spectral coefficient, plain INT1 channel) is its sign word
 * (bit t = token t, 1 = +scale); an INT2 row (KIVI-2 channel, VidKV anomalous channel) becomes
 * two rows, the codes' low bits then their high bits (code = lo + 2·hi), split out of the
 * interleaved 64-bit word with {@link Long#compress}. {@link #bitRowOf} maps a plan row to its
 * first bit row; {@code J} = {@link #bitRows()}.
 *
 * <p><b>Layout after the transpose.</b> {@code tokenWords[k·32 + t]}: bit {@code j mod 64} is bit
 * row {@code j = 64k + (j mod 64)} of token t (chunk k of 64 bit rows, zero beyond J), so a token's
 * bits for one chunk are one {@code long} and the 32 tokens of a chunk are contiguous (vector
 * lanes over tokens). Also kept per plan row: the FP16 step (INT2) or scale (INT1) and min (INT2).
 */
final class KeyBitPlanes {
    static final int G = 32;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long EVEN_BITS = 0x5555_5555_5555_5555L;
    private static final long ODD_BITS = 0xAAAA_AAAA_AAAA_AAAAL;

    final KvTileDecoder.KeyPlan plan;
    final int[] bitRowOf;
    private final int bitRows;
    final int chunks;
    /** 32 token bits per bit row, padded with zero rows to {@code chunks · 64}. */
    final int[] rowBits;
    final long[] tokenWords;
    final float[] step;
    final float[] min;
    /** Per bit row: the factor the query entry is multiplied by (INT2 lo: step, hi: 2·step; INT1: 2·scale); zero-padded. */
    final float[] bitScale;
    /** Per plan row: the constant term per unit query (INT2: min; INT1: −scale); zero-padded to {@link #rowsPadded}. */
    final float[] rowConst;
    final int rowsPadded;

    /** Whether a plan can use this path: G = 32 and only INT1 / INT2 rows. */
    static boolean supports(KvTileDecoder.KeyPlan p) {
        if (p.codec.groupSize() != G) {
            return false;
        }
        for (int k : p.kind) {
            if (k != KvTileDecoder.INT1 && k != KvTileDecoder.INT2) {
                return false;
            }
        }
        return true;
    }

    KeyBitPlanes(KvTileDecoder.KeyPlan p) {
        if (!supports(p)) {
            throw new IllegalArgumentException("integer key scoring needs G = 32 and INT1/INT2 key rows, got G = "
                    + p.codec.groupSize() + " for " + p.codec.name());
        }
        this.plan = p;
        bitRowOf = new int[p.rows];
        int j = 0;
        for (int r = 0; r < p.rows; r++) {
            bitRowOf[r] = j;
            j += p.kind[r] == KvTileDecoder.INT2 ? 2 : 1;
        }
        bitRows = j;
        chunks = Math.max(1, (j + 63) / 64);
        rowBits = new int[chunks * 64];
        tokenWords = new long[chunks * G];
        step = new float[p.rows];
        min = new float[p.rows];
        bitScale = new float[chunks * 64];
        rowsPadded = KvTileDecoder.roundUp(p.rows, VectorShapes.F.length());
        rowConst = new float[rowsPadded];
    }

    /** Length of an expanded query ({@link #expandQuery}). */
    int expandedLength() {
        return chunks * 64 + rowsPadded;
    }

    /**
     * Once per step and query head: the prepared query in bit-row order ({@code qx[j] = qp[row of j]},
     * zero-padded to 64·chunks), then the plan-row query zero-padded to {@link #rowsPadded}.
     */
    void expandQuery(float[] qp, int qOff, float[] qx, int xOff) {
        int e = expandedLength();
        java.util.Arrays.fill(qx, xOff, xOff + e, 0f);
        int base = chunks * 64;
        for (int r = 0; r < plan.rows; r++) {
            float q = qp[qOff + r];
            int j = bitRowOf[r];
            qx[xOff + j] = q;
            if (isInt2(r)) {
                qx[xOff + j + 1] = q;
            }
            qx[xOff + base + r] = q;
        }
    }

    int bitRows() {
        return bitRows;
    }

    boolean isInt2(int r) {
        return plan.kind[r] == KvTileDecoder.INT2;
    }

    /** Reads one block's codes into {@link #rowBits} and scales, then transposes (SIMD). */
    void load(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        loadRows(codes, codeOff, meta, metaOff);
        transpose(rowBits, tokenWords, chunks);
    }

    void loadRows(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        KvTileDecoder.KeyPlan p = plan;
        for (int r = 0; r < p.rows; r++) {
            long co = codeOff + p.codeOff[r];
            long mo = metaOff + p.metaOff[r];
            int j = bitRowOf[r];
            step[r] = Float.float16ToFloat(meta.get(F16, mo));
            if (p.kind[r] == KvTileDecoder.INT2) {
                long w = codes.get(I64, co);
                rowBits[j] = (int) Long.compress(w, EVEN_BITS);
                rowBits[j + 1] = (int) Long.compress(w, ODD_BITS);
                min[r] = Float.float16ToFloat(meta.get(F16, mo + 2));
                bitScale[j] = step[r];
                bitScale[j + 1] = 2f * step[r];
                rowConst[r] = min[r];
            } else {
                rowBits[j] = codes.get(I32, co);
                min[r] = 0f;
                bitScale[j] = 2f * step[r];
                rowConst[r] = -step[r];
            }
        }
    }

    /**
     * 32 × (64·chunks) bit-matrix transpose, SIMD: lanes over bit rows; for each token t the lanes
     * holding bit t become a mask whose bits are OR-ed into the token's word. {@code rows.length}
     * must be {@code 64·chunks} (I.length() divides 64).
     */
    static void transpose(int[] rows, long[] out, int chunks) {
        int l = I.length();
        java.util.Arrays.fill(out, 0, chunks * G, 0L);
        for (int j0 = 0; j0 < chunks * 64; j0 += l) {
            IntVector v = IntVector.fromArray(I, rows, j0);
            int base = (j0 >>> 6) * G;
            int sh = j0 & 63;
            for (int t = 0; t < G; t++) {
                long m = v.lanewise(VectorOperators.LSHL, 31 - t).compare(VectorOperators.LT, 0).toLong();
                out[base + t] |= m << sh;
            }
        }
    }

    /** The transpose written for clarity: bit (j mod 64) of out[(j/64)·32 + t] = bit t of rows[j]. */
    static void transposeReference(int[] rows, long[] out, int chunks) {
        for (int k = 0; k < chunks; k++) {
            for (int t = 0; t < G; t++) {
                long w = 0;
                for (int i = 0; i < 64; i++) {
                    long bit = (rows[64 * k + i] >>> t) & 1;
                    w |= bit << i;
                }
                out[k * G + t] = w;
            }
        }
    }
}
