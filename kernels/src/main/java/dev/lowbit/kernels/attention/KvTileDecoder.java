package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.decode.SimdGroupDecoder;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.kv.ChannelGroupCodec;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.RowStore;
import dev.lowbit.packing.kv.TokenGroupCodec;
import dev.lowbit.packing.kv.VidKvKeyQuantizer;
import dev.lowbit.packing.kv.VidKvValueQuantizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD decode of one packed KV block (a {@link KvBlockCodec} record) into the float tiles the
 * fused attention kernels multiply: keys channel-major, values token-major. Exact (the same
 * arithmetic as the codecs), so tiles equal the scalar dequantization bit for bit.
 *
 * <ul>
 *   <li>Key tile {@code kt[r · stride + t]}: row r is the r-th entry of the codec's prepared
 *       query — channel r for {@link ChannelGroupCodec} (KIVI-2 keys); for
 *       {@link VidKvKeyQuantizer} the nA INT2 anomalous channels, then the n 1-bit spectral
 *       coefficients (±scale, not inverse-transformed: scores use Parseval). Lanes run over the
 *       G tokens; pad lanes up to {@code stride} are left as they are (zero).</li>
 *   <li>Value tile {@code vt[t · d + c]}: {@link TokenGroupCodec} INT2 (KIVI-2 values) decodes
 *       row by row; per-channel codes ({@link ChannelGroupCodec}, {@link VidKvValueQuantizer})
 *       are decoded token by token with lanes over channels from each channel's 32-bit code
 *       words; VidKV salient tokens then get their INT2 side row.</li>
 * </ul>
 */
final class KvTileDecoder {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED.withShape(VectorShapes.SHAPE);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int INT1 = 0;
    static final int INT2 = 1;
    private static final int TERNARY2 = 2;

    private KvTileDecoder() {}

    private static int kind(PackedFormat f, String what) {
        return switch (f) {
            case INT1 -> INT1;
            case INT2 -> INT2;
            case TERNARY2 -> TERNARY2;
            default -> throw new IllegalArgumentException("no fused kernel for " + what + " in format " + f);
        };
    }

    /** Where each key-tile row's group lives inside a block. */
    static final class KeyPlan {
        final KvBlockCodec codec;
        final int rows;
        final int[] kind;
        final int[] codeOff;
        final int[] metaOff;
        final int[] codeBytes;

        /**
         * VidKV: query channel of each anomalous row, normal channels, and the n×n query transform,
         * column-major ({@code transform[j·n + m]}: output m, input j) so a step runs lanes over m.
         */
        final int[] anomalous;
        final int[] normal;
        final double[] transform;
        /** Per-plan scratch of {@link #prepare} (callers prepare one query at a time per plan). */
        final double[] scratch;

        KeyPlan(KvBlockCodec c) {
            this.codec = c;
            int g = c.groupSize();
            if (c instanceof VidKvKeyQuantizer v) {
                int na = v.split().anomalousCount();
                int n = v.split().normalCount();
                anomalous = v.split().anomalous();
                normal = v.split().normal();
                // prepareQuery is linear: tabulate its normal part once (columns = unit queries), so a
                // step costs n² multiply-adds and no allocation
                transform = new double[n * n];
                scratch = new double[n];
                float[] unit = new float[c.headDim()];
                double[] col = new double[c.preparedQueryLength()];
                for (int j = 0; j < n; j++) {
                    unit[normal[j]] = 1;
                    c.prepareQuery(unit, 0, col);
                    unit[normal[j]] = 0;
                    for (int m = 0; m < n; m++) {
                        transform[j * n + m] = col[na + m];
                    }
                }
                rows = na + n;
                kind = new int[rows];
                codeOff = new int[rows];
                metaOff = new int[rows];
                codeBytes = new int[rows];
                int cb2 = PackedFormat.INT2.codec().codeBytes(g);
                int cb1 = PackedFormat.INT1.codec().codeBytes(g);
                for (int i = 0; i < na; i++) {
                    kind[i] = INT2;
                    codeOff[i] = i * cb2;
                    metaOff[i] = 4 * i;
                    codeBytes[i] = cb2;
                }
                for (int m = 0; m < n; m++) {
                    kind[na + m] = INT1;
                    codeOff[na + m] = v.spectrumCodeOffset() + m * cb1;
                    metaOff[na + m] = v.spectrumMetaOffset() + 2 * m;
                    codeBytes[na + m] = cb1;
                }
            } else if (c instanceof ChannelGroupCodec cg) {
                anomalous = null;
                normal = null;
                transform = null;
                scratch = null;
                rows = c.headDim();
                int k = kind(cg.format(), "keys");
                kind = new int[rows];
                codeOff = new int[rows];
                metaOff = new int[rows];
                codeBytes = new int[rows];
                for (int r = 0; r < rows; r++) {
                    kind[r] = k;
                    codeOff[r] = r * cg.channelCodeBytes();
                    metaOff[r] = r * cg.channelMetaBytes();
                    codeBytes[r] = cg.channelCodeBytes();
                }
            } else {
                throw new IllegalArgumentException("no fused kernel for key codec " + c.name());
            }
            if (c.preparedQueryLength() != rows) {
                throw new IllegalArgumentException("key codec " + c.name() + " prepares " + c.preparedQueryLength()
                        + " query entries for " + rows + " tile rows");
            }
        }
    }

    /**
     * The codec's prepared query ({@link KvBlockCodec#prepareQuery}) times {@code scale}, as floats,
     * without allocating: identity for channel codecs; for VidKV the anomalous channels, then the
     * tabulated transform of the normal channels.
     */
    static void prepare(KeyPlan p, float[] q, int qOff, float scale, float[] out, int outOff) {
        if (p.transform == null) {
            for (int r = 0; r < p.rows; r++) {
                out[outOff + r] = q[qOff + r] * scale;
            }
            return;
        }
        int na = p.anomalous.length;
        int n = p.normal.length;
        for (int i = 0; i < na; i++) {
            out[outOff + i] = q[qOff + p.anomalous[i]] * scale;
        }
        // out_m = Σ_j T[m][j]·q_j in double, lanes over m (DoubleVector), j in order: the same sum for
        // every m as a scalar loop over j, no horizontal reduction (serial per step: keep it cheap)
        double[] acc = p.scratch;
        java.util.Arrays.fill(acc, 0, n, 0.0);
        int dl = D.length();
        for (int j = 0; j < n; j++) {
            double qj = q[qOff + p.normal[j]];
            int col = j * n;
            int m = 0;
            for (; m + dl <= n; m += dl) {
                DoubleVector.fromArray(D, p.transform, col + m).fma(DoubleVector.broadcast(D, qj), DoubleVector.fromArray(D, acc, m))
                        .intoArray(acc, m);
            }
            for (; m < n; m++) {
                acc[m] = Math.fma(p.transform[col + m], qj, acc[m]);
            }
        }
        for (int m = 0; m < n; m++) {
            out[outOff + na + m] = (float) acc[m] * scale;
        }
    }

    /** Decodes a key block into {@code kt} (rows {@code stride} floats apart). */
    static void keyTile(KeyPlan p, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, float[] kt, int stride) {
        int g = p.codec.groupSize();
        for (int r = 0; r < p.rows; r++) {
            long co = codeOff + p.codeOff[r];
            long mo = metaOff + p.metaOff[r];
            if (g == 32 && stride == 32 && L16) { // the common case, one 16-lane vector per 16 tokens
                keyRow32(p.kind[r], codes, co, meta, mo, kt, r * 32);
                continue;
            }
            switch (p.kind[r]) {
                case INT2 -> SimdGroupDecoder.int2(codes, co, p.codeBytes[r], meta.get(F16, mo), meta.get(F16, mo + 2), g, kt, r * stride);
                case INT1 -> SimdGroupDecoder.int1(codes, co, p.codeBytes[r], meta.get(F16, mo), g, kt, r * stride);
                default -> SimdGroupDecoder.ternary2(codes, co, p.codeBytes[r], meta.get(F16, mo), g, kt, r * stride);
            }
        }
    }

    private static final boolean L16 = F.length() == 16;

    /** One key row of a 32-token group on 16-lane species: masks straight from the code bits. */
    private static void keyRow32(int kind, MemorySegment codes, long co, MemorySegment meta, long mo, float[] kt, int off) {
        if (kind == INT1) {
            int w = codes.get(I32, co);
            FloatVector pos = FloatVector.broadcast(F, Float.float16ToFloat(meta.get(F16, mo)));
            FloatVector neg = pos.neg();
            neg.blend(pos, VectorMask.fromLong(F, w & 0xFFFF)).intoArray(kt, off);
            neg.blend(pos, VectorMask.fromLong(F, w >>> 16)).intoArray(kt, off + 16);
            return;
        }
        long w = codes.get(I64, co);
        IntVector shift = IntVector.zero(I).addIndex(2);
        IntVector lo = IntVector.broadcast(I, (int) w).lanewise(VectorOperators.LSHR, shift).and(3);
        IntVector hi = IntVector.broadcast(I, (int) (w >>> 32)).lanewise(VectorOperators.LSHR, shift).and(3);
        FloatVector sc = FloatVector.broadcast(F, Float.float16ToFloat(meta.get(F16, mo)));
        if (kind == INT2) {
            FloatVector mn = FloatVector.broadcast(F, Float.float16ToFloat(meta.get(F16, mo + 2)));
            ((FloatVector) lo.convert(VectorOperators.I2F, 0)).fma(sc, mn).intoArray(kt, off);
            ((FloatVector) hi.convert(VectorOperators.I2F, 0)).fma(sc, mn).intoArray(kt, off + 16);
        } else {
            ((FloatVector) lo.and(1).sub(lo.lanewise(VectorOperators.LSHR, 1)).convert(VectorOperators.I2F, 0)).mul(sc).intoArray(kt, off);
            ((FloatVector) hi.and(1).sub(hi.lanewise(VectorOperators.LSHR, 1)).convert(VectorOperators.I2F, 0)).mul(sc).intoArray(kt, off + 16);
        }
    }

    /** How a value block is laid out. */
    static final class ValuePlan {
        final KvBlockCodec codec;
        /** Per-channel codes (true) or per-token INT2 rows (false). */
        final boolean perChannel;
        final int kind;
        final int channelCodeBytes;
        final int channelMetaBytes;
        final VidKvValueQuantizer vidkv;
        final int rowGroups;
        final int rowGroupCodeBytes;

        ValuePlan(KvBlockCodec c) {
            this.codec = c;
            int g = c.groupSize();
            rowGroups = (c.headDim() + g - 1) / g;
            rowGroupCodeBytes = PackedFormat.INT2.codec().codeBytes(g);
            if (c instanceof VidKvValueQuantizer v) {
                perChannel = true;
                kind = TERNARY2;
                channelCodeBytes = PackedFormat.TERNARY2.codec().codeBytes(g);
                channelMetaBytes = 2;
                vidkv = v;
            } else if (c instanceof ChannelGroupCodec cg) {
                perChannel = true;
                kind = kind(cg.format(), "values");
                channelCodeBytes = cg.channelCodeBytes();
                channelMetaBytes = cg.channelMetaBytes();
                vidkv = null;
            } else if (c instanceof TokenGroupCodec tg && tg.format() == PackedFormat.INT2) {
                perChannel = false;
                kind = INT2;
                channelCodeBytes = 0;
                channelMetaBytes = 0;
                vidkv = null;
            } else {
                throw new IllegalArgumentException("no fused kernel for value codec " + c.name());
            }
        }

        /** Bits per code of the per-channel layout. */
        int bits() {
            return kind == INT1 ? 1 : 2;
        }
    }

    /** Per-worker scratch for {@link #valueTile}. */
    static final class ValueScratch {
        final int[] words;
        final float[] scale;
        final float[] min;

        ValueScratch(int groupSize, int headDim) {
            int wordsPerChannel = (2 * groupSize + 31) / 32;
            int dp = roundUp(headDim, F.length());
            words = new int[wordsPerChannel * dp];
            scale = new float[dp];
            min = new float[dp];
        }
    }

    static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** Decodes a value block token-major into {@code vt[t·d + c]}. */
    static void valueTile(ValuePlan p, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                          ValueScratch s, float[] vt) {
        int g = p.codec.groupSize();
        int d = p.codec.headDim();
        if (!p.perChannel) {
            int ng = p.rowGroups;
            int cb = p.rowGroupCodeBytes;
            for (int t = 0; t < g; t++) {
                for (int j = 0; j < ng; j++) {
                    long k = (long) t * ng + j;
                    long mo = metaOff + 4 * k;
                    SimdGroupDecoder.int2(codes, codeOff + k * cb, cb, meta.get(F16, mo), meta.get(F16, mo + 2),
                            Math.min(g, d - j * g), vt, t * d + j * g);
                }
            }
            return;
        }
        perChannelTile(p, codes, codeOff, meta, metaOff, s, vt);
        if (p.vidkv != null) {
            VidKvValueQuantizer v = p.vidkv;
            long r = v.firstRow(meta, metaOff);
            for (int t = 0; t < g; t++) {
                if (v.isSalient(meta, metaOff, t)) { // its ternary codes are 0: the INT2 row is the value
                    rowInt2(rows.codes(r), rows.codeOffset(r), rows.meta(r), rows.metaOffset(r), p, vt, t * d);
                    r++;
                }
            }
        }
    }

    /** One salient token's INT2 row (groups of G channels) into {@code vt[off ..]}. */
    private static void rowInt2(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, ValuePlan p, float[] vt, int off) {
        int g = p.codec.groupSize();
        int d = p.codec.headDim();
        int cb = p.rowGroupCodeBytes;
        for (int j = 0; j < p.rowGroups; j++) {
            long mo = metaOff + 4L * j;
            SimdGroupDecoder.int2(codes, codeOff + (long) j * cb, cb, meta.get(F16, mo), meta.get(F16, mo + 2),
                    Math.min(g, d - j * g), vt, off + j * g);
        }
    }

    /**
     * Per-channel codes, token-major out: each channel's codes are read as 32-bit words (scalar,
     * once per block), then token t of L channels is {@code (word >>> bits·(t mod per)) & mask}
     * with lanes over channels, times the channel scale (INT1: sign; INT2: fma with step and min).
     */
    private static void perChannelTile(ValuePlan p, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff,
                                       ValueScratch s, float[] vt) {
        int g = p.codec.groupSize();
        int d = p.codec.headDim();
        int bits = p.bits();
        int perWord = 32 / bits;
        int nWords = (g + perWord - 1) / perWord;
        int dp = s.scale.length;
        int cb = p.channelCodeBytes;
        for (int c = 0; c < d; c++) {
            long co = codeOff + (long) c * cb;
            if (cb == 8) { // G = 32, 2-bit codes: one 64-bit word per channel
                long w = codes.get(I64, co);
                s.words[c] = (int) w;
                s.words[dp + c] = (int) (w >>> 32);
            } else {
                for (int w = 0; w < nWords; w++) {
                    s.words[w * dp + c] = wordAt(codes, co, 4 * w, cb);
                }
            }
            long mo = metaOff + (long) c * p.channelMetaBytes;
            s.scale[c] = Float.float16ToFloat(meta.get(F16, mo));
            s.min[c] = p.kind == INT2 ? Float.float16ToFloat(meta.get(F16, mo + 2)) : 0f;
        }
        int l = F.length();
        int codeMask = (1 << bits) - 1;
        // channel vectors outer (scales and code words loaded once), tokens inner
        for (int c = 0; c < d; c += l) {
            boolean full = c + l <= d;
            VectorMask<Float> m = F.indexInRange(c, d);
            FloatVector sc = FloatVector.fromArray(F, s.scale, c);
            FloatVector mn = FloatVector.fromArray(F, s.min, c);
            FloatVector neg = sc.neg();
            for (int w = 0; w < nWords; w++) {
                IntVector words = IntVector.fromArray(I, s.words, w * dp + c);
                int tEnd = Math.min(g, (w + 1) * perWord);
                for (int t = w * perWord; t < tEnd; t++) {
                    IntVector code = words.and(codeMask);
                    words = words.lanewise(VectorOperators.LSHR, bits); // next token's code (constant shift)
                    FloatVector v;
                    if (p.kind == TERNARY2) {
                        IntVector trit = code.and(1).sub(code.lanewise(VectorOperators.LSHR, 1));
                        v = ((FloatVector) trit.convert(VectorOperators.I2F, 0)).mul(sc);
                    } else if (p.kind == INT2) {
                        v = ((FloatVector) code.convert(VectorOperators.I2F, 0)).fma(sc, mn);
                    } else {
                        v = neg.blend(sc, code.compare(VectorOperators.NE, 0).cast(F));
                    }
                    if (full) {
                        v.intoArray(vt, t * d + c);
                    } else {
                        v.intoArray(vt, t * d + c, m);
                    }
                }
            }
        }
    }

    /** Little-endian 32-bit word at byte {@code b} of a group of {@code cb} bytes (missing bytes read 0). */
    private static int wordAt(MemorySegment codes, long codeOff, int b, int cb) {
        if (b + 4 <= cb) {
            return codes.get(I32, codeOff + b);
        }
        int w = 0;
        for (int j = 0; b + j < cb && j < 4; j++) {
            w |= (codes.get(ValueLayout.JAVA_BYTE, codeOff + b + j) & 0xFF) << (8 * j);
        }
        return w;
    }
}
