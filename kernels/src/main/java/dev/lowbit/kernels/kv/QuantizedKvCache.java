package dev.lowbit.kernels.kv;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.kv.ChunkedRecords;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.KvChecks;
import dev.lowbit.packing.kv.RowStore;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The quantized KV cache of one attention layer: {@code kvHeads} KV heads of {@code headDim}
 * channels, append-only, with a full-precision residual window, one writer and many readers.
 *
 * <h2>Token flow</h2>
 * Appended tokens enter the FP32 residual window. Right after each token is written, while the
 * window holds at least {@code R + G} tokens, its oldest G tokens (one <em>block</em>: tokens
 * {@code [bG, bG+G)}) are quantized, appended to the packed streams and dropped from the window.
 * So quantized blocks are always whole, aligned blocks, quantized exactly once (never
 * re-quantized), and the window holds all tokens while {@code tokens < R + G}, then
 * {@code R + (tokens − R) mod G} tokens: between R and R+G−1. With {@code R = 0} every complete block is quantized
 * at once and only a partial tail block (fewer than G tokens) stays in full precision.
 * Batch and streaming are the same thing: the result depends only on the token sequence, never
 * on how it was split into {@code append} calls.
 *
 * <h2>Layout (what kernels read)</h2>
 * Per KV head {@code h}, four append-only {@link ChunkedRecords} streams, one record per quantized
 * block {@code b} (tokens {@code [bG, bG+G)} of that head):
 * <ul>
 *   <li>key codes: record of {@code keyCodec(h).codeBytes()} bytes; key metadata: record of
 *       {@code keyCodec(h).metaBytes()} bytes;</li>
 *   <li>value codes / value metadata likewise with {@code valueCodec(h)};</li>
 *   <li>plus, for codecs with side rows (VidKV salient values), a {@link RowStore} per head.</li>
 * </ul>
 * Block b of a stream lives in chunk {@code b / blocksPerChunk} at byte
 * {@code (b % blocksPerChunk) · recordBytes}; chunks are 64-byte aligned off-heap segments of the
 * owner's arena and never move. Inside a record the layout is the codec's, documented in its
 * class: {@link dev.lowbit.packing.kv.ChannelGroupCodec} (INT1 / INT2 / TERNARY2 per channel:
 * one 32- or 64-bit word of token codes per channel, scales apart),
 * {@link dev.lowbit.packing.kv.TokenGroupCodec} (KIVI values per token),
 * {@link dev.lowbit.packing.kv.VidKvKeyQuantizer} (INT2 anomalous channels, then the 1-bit
 * Hermitian spectrum, one INT1 word per coefficient) and
 * {@link dev.lowbit.packing.kv.VidKvValueQuantizer} (TERNARY2 per channel + salient mask + INT2
 * side rows). Residual tokens are heap {@code float[G·d]} blocks, token-major, aligned with the
 * block grid: residual block i of a snapshot holds tokens {@code (q+i)·G ..} (q = quantized blocks).
 * Read everything through a {@link KvCacheSnapshot}.
 *
 * <h2>VidKV channel split</h2>
 * A head's key codec (for VidKV: its anomalous/normal channel split) is fixed when the head's
 * first block is quantized, from the head's first {@code R + G} tokens — exactly the tokens in
 * the cache at that moment, whatever the append sizes — or given explicitly by the scheme. It
 * never changes afterwards, so the query transform is computed once per head and step.
 *
 * <h2>Concurrency</h2>
 * {@code append*} methods are serialized ({@code synchronized}); the intended use is one writer.
 * Readers call {@link #snapshot()} from any thread without locking and get an immutable view of a
 * consistent prefix: the writer writes codes, metadata, side rows and residual floats first and
 * then publishes a new snapshot with a volatile store; a reader that loads it sees all of that
 * data (happens-before). Packed records never move or change once written. Residual blocks a
 * snapshot references stay valid for as long as the snapshot is reachable (the writer only writes
 * past the snapshot's token count in the tail block, and drops — never reuses — quantized blocks).
 * Packed data lives in the owner's arena: after it is closed, reads throw IllegalStateException.
 *
 * <h2>Memory accounting</h2>
 * See {@link KvCacheSnapshot#payloadBytes()}, {@link KvCacheSnapshot#metadataBytes()},
 * {@link KvCacheSnapshot#residualBytes()} (FP32, 4 bytes per element of every residual token,
 * keys and values) and {@link KvCacheSnapshot#bitsPerElement()} (all of it over 2·heads·tokens·d).
 */
public final class QuantizedKvCache {
    private final int kvHeads;
    private final int headDim;
    private final int groupSize;
    private final int residual;
    private final long maxTokens;
    private final int blocksPerChunk;
    private final KvScheme scheme;
    private final SalientTokens salient;
    private final Arena arena;

    // Writer state, guarded by "this".
    private final Head[] heads;
    private long tokens;
    private long quantizedBlocks;

    private volatile KvCacheSnapshot published;

    /** Writer-side state of one KV head. */
    static final class Head {
        KvBlockCodec keyCodec;
        final KvBlockCodec valueCodec;
        ChunkedRecords keyCodes;
        ChunkedRecords keyMeta;
        RowStore keyRows;
        final ChunkedRecords valueCodes;
        final ChunkedRecords valueMeta;
        final RowStore valueRows;
        final List<float[]> resK = new ArrayList<>();
        final List<float[]> resV = new ArrayList<>();

        Head(KvBlockCodec valueCodec, Arena arena, int blocksPerChunk) {
            this.valueCodec = valueCodec;
            valueCodes = new ChunkedRecords(arena, valueCodec.codeBytes(), blocksPerChunk);
            valueMeta = new ChunkedRecords(arena, valueCodec.metaBytes(), blocksPerChunk);
            valueRows = new RowStore(arena, valueCodec.rowCodeBytes(), valueCodec.rowMetaBytes(), blocksPerChunk * 4);
        }
    }

    private QuantizedKvCache(Builder b, Arena arena) {
        this.kvHeads = b.kvHeads;
        this.headDim = b.headDim;
        this.groupSize = b.groupSize;
        this.residual = b.residual;
        this.maxTokens = b.maxTokens;
        this.blocksPerChunk = b.blocksPerChunk;
        this.scheme = b.scheme;
        this.salient = b.salient;
        this.arena = arena;
        heads = new Head[kvHeads];
        for (int h = 0; h < kvHeads; h++) {
            heads[h] = new Head(scheme.valueCodec(groupSize, headDim), arena, blocksPerChunk);
        }
        published = snapshotOfWriterState();
    }

    /** A builder for a cache of {@code kvHeads} heads of {@code headDim} channels. */
    public static Builder builder(int kvHeads, int headDim) {
        return new Builder(kvHeads, headDim);
    }

    /** Cache configuration. Defaults: VidKV, G = 32, R = 128, no salient tokens, no token limit. */
    public static final class Builder {
        private final int kvHeads;
        private final int headDim;
        private KvScheme scheme = KvScheme.vidkv();
        private int groupSize = 32;
        private int residual = 128;
        private SalientTokens salient = SalientTokens.none();
        private long maxTokens = Long.MAX_VALUE;
        private int blocksPerChunk = 64;

        private Builder(int kvHeads, int headDim) {
            this.kvHeads = KvChecks.positive("kv heads", kvHeads);
            this.headDim = KvChecks.positive("head dim", headDim);
        }

        public Builder scheme(KvScheme s) {
            this.scheme = Objects.requireNonNull(s, "scheme");
            return this;
        }

        public Builder groupSize(int g) {
            this.groupSize = KvChecks.positive("group size", g);
            return this;
        }

        /** Full-precision residual window R ({@code >= 0}). */
        public Builder residual(int r) {
            if (r < 0) {
                throw new IllegalArgumentException("residual window must be >= 0 tokens, got " + r);
            }
            this.residual = r;
            return this;
        }

        public Builder salient(SalientTokens s) {
            this.salient = Objects.requireNonNull(s, "salient");
            return this;
        }

        /** Capacity: appending past it throws IllegalStateException. */
        public Builder maxTokens(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxTokens must be >= 0, got " + n);
            }
            this.maxTokens = n;
            return this;
        }

        /** Blocks per allocated chunk of each stream (growth granularity). */
        public Builder blocksPerChunk(int n) {
            this.blocksPerChunk = KvChecks.positive("blocks per chunk", n);
            return this;
        }

        /** Builds the cache; packed chunks are allocated from {@code arena} (the caller owns it). */
        public QuantizedKvCache build(Arena arena) {
            return new QuantizedKvCache(this, Objects.requireNonNull(arena, "arena"));
        }
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    public int groupSize() {
        return groupSize;
    }

    public int residualWindow() {
        return residual;
    }

    public KvScheme scheme() {
        return scheme;
    }

    public SalientTokens salientTokens() {
        return salient;
    }

    /** The latest published state (lock-free; safe from any thread). */
    public KvCacheSnapshot snapshot() {
        return published;
    }

    /** Tokens appended so far (as published). */
    public long tokens() {
        return published.tokens();
    }

    /** Appends one token: {@code k}, {@code v} are [kvHeads][headDim]. */
    public void appendToken(float[] k, float[] v) {
        append(k, v, 1);
    }

    /**
     * Appends {@code n} tokens: {@code keys} and {@code values} are [kvHeads][n][headDim]
     * (head-major, as in a [kv_heads, tokens, head_dim] .npy). Checks everything before changing
     * anything: a bad call leaves the cache as it was.
     *
     * @throws IllegalArgumentException on wrong lengths or a non-finite / out-of-FP16-range value
     * @throws IllegalStateException when the cache would exceed its capacity
     */
    public synchronized void append(float[] keys, float[] values, int n) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(values, "values");
        if (n < 0) {
            throw new IllegalArgumentException("token count must be >= 0, got " + n);
        }
        long need = (long) kvHeads * n * headDim;
        if (keys.length != need || values.length != need) {
            throw new IllegalArgumentException("append of " + n + " tokens needs keys and values of " + kvHeads + "×" + n
                    + "×" + headDim + " = " + need + " floats, got " + keys.length + " and " + values.length);
        }
        if (tokens + n > maxTokens) {
            throw new IllegalStateException("KV cache full: " + tokens + " tokens + " + n + " appended > capacity " + maxTokens);
        }
        check(keys, n, "K");
        check(values, n, "V");
        for (int i = 0; i < n; i++) {
            int slot = (int) (tokens % groupSize);
            for (int h = 0; h < kvHeads; h++) {
                Head hd = heads[h];
                if (slot == 0) {
                    hd.resK.add(new float[groupSize * headDim]);
                    hd.resV.add(new float[groupSize * headDim]);
                }
                int src = (h * n + i) * headDim;
                System.arraycopy(keys, src, hd.resK.getLast(), slot * headDim, headDim);
                System.arraycopy(values, src, hd.resV.getLast(), slot * headDim, headDim);
            }
            tokens++;
            while (tokens - quantizedBlocks * groupSize >= (long) residual + groupSize) {
                quantizeOldestBlock();
            }
        }
        published = snapshotOfWriterState();
    }

    /** Appends {@code k} and {@code v} of shape [kvHeads, n, headDim] (any F32/F16 tensor views). */
    public void append(Tensor k, Tensor v) {
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        for (Tensor t : new Tensor[] {k, v}) {
            if (t.rank() != 3 || t.shape(0) != kvHeads || t.shape(2) != headDim) {
                throw new IllegalArgumentException((t == k ? "K" : "V") + " must be [kv_heads=" + kvHeads + ", tokens, head_dim="
                        + headDim + "], got " + java.util.Arrays.toString(t.shape()));
            }
        }
        if (k.shape(1) != v.shape(1)) {
            throw new IllegalArgumentException("K has " + k.shape(1) + " tokens but V has " + v.shape(1));
        }
        append(k.toFloatArray(), v.toFloatArray(), Math.toIntExact(k.shape(1)));
    }

    private void check(float[] x, int n, String what) {
        for (int i = 0; i < x.length; i++) {
            float f = x[i];
            if (!Float.isFinite(f) || Math.abs(f) > 65504f) {
                int h = i / (n * headDim);
                int t = (i / headDim) % n;
                KvChecks.quantizable(f, what + "[head " + h + ", token " + (tokens + t) + ", channel " + (i % headDim) + "]");
            }
        }
    }

    /** Quantizes block {@code quantizedBlocks} of every head and drops it from the residual window. */
    private void quantizeOldestBlock() {
        long b = quantizedBlocks;
        boolean[] sal = null;
        if (scheme.usesSalience()) {
            sal = new boolean[groupSize];
            for (int t = 0; t < groupSize; t++) {
                sal[t] = salient.contains(b * groupSize + t);
            }
        }
        for (int h = 0; h < kvHeads; h++) {
            Head hd = heads[h];
            if (hd.keyCodec == null) {
                initKeyCodec(h, hd);
            }
            float[] k = hd.resK.removeFirst();
            float[] v = hd.resV.removeFirst();
            long rk = hd.keyCodes.append();
            hd.keyMeta.append();
            hd.keyCodec.quantize(k, 0, null, hd.keyCodes.chunk(rk), hd.keyCodes.offset(rk), hd.keyMeta.chunk(rk), hd.keyMeta.offset(rk), hd.keyRows);
            long rv = hd.valueCodes.append();
            hd.valueMeta.append();
            hd.valueCodec.quantize(v, 0, sal, hd.valueCodes.chunk(rv), hd.valueCodes.offset(rv), hd.valueMeta.chunk(rv), hd.valueMeta.offset(rv), hd.valueRows);
        }
        quantizedBlocks++;
    }

    /** Fixes head h's key codec from its first R + G tokens (all still in the residual window). */
    private void initKeyCodec(int h, Head hd) {
        int calibTokens = residual + groupSize;
        float[] calib = new float[calibTokens * headDim];
        for (int i = 0; i * groupSize < calibTokens; i++) {
            int len = Math.min(groupSize, calibTokens - i * groupSize) * headDim;
            System.arraycopy(hd.resK.get(i), 0, calib, i * groupSize * headDim, len);
        }
        KvBlockCodec kc = scheme.keyCodec(h, groupSize, headDim, calib, calibTokens);
        if (kc.groupSize() != groupSize || kc.headDim() != headDim) {
            throw new IllegalStateException("scheme " + scheme.name() + " returned a key codec for G=" + kc.groupSize()
                    + ", d=" + kc.headDim() + "; the cache has G=" + groupSize + ", d=" + headDim);
        }
        hd.keyCodes = new ChunkedRecords(arena, kc.codeBytes(), blocksPerChunk);
        hd.keyMeta = new ChunkedRecords(arena, kc.metaBytes(), blocksPerChunk);
        hd.keyRows = new RowStore(arena, kc.rowCodeBytes(), kc.rowMetaBytes(), blocksPerChunk * 4);
        hd.keyCodec = kc;
    }

    private KvCacheSnapshot snapshotOfWriterState() {
        KvCacheSnapshot.HeadView[] views = new KvCacheSnapshot.HeadView[kvHeads];
        for (int h = 0; h < kvHeads; h++) {
            Head hd = heads[h];
            views[h] = new KvCacheSnapshot.HeadView(hd.keyCodec, hd.valueCodec, hd.keyCodes, hd.keyMeta, hd.keyRows,
                    hd.valueCodes, hd.valueMeta, hd.valueRows,
                    hd.keyRows == null ? 0 : hd.keyRows.size(), hd.valueRows.size(),
                    hd.resK.toArray(new float[0][]), hd.resV.toArray(new float[0][]));
        }
        return new KvCacheSnapshot(this, tokens, quantizedBlocks, views);
    }
}
