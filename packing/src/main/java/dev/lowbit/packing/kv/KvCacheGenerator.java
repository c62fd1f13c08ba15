package dev.lowbit.packing.kv;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A synthetic, video-LLM-like KV cache of one layer, deterministic per seed: what the demo,
 * {@code kv-eval} examples and the tests quantize when no real cache is at hand. It reproduces
 * the structure KIVI and VidKV exploit, not any particular model.
 *
 * <h2>Token sequence</h2>
 * {@code [system text (textPrefix)] [video: frames × tokensPerFrame visual tokens] [question text (textSuffix)]}.
 * Every token has a latent vector z (dimension {@link #LATENT}):
 * <ul>
 *   <li>visual token (frame f, patch p): {@code z = scene(f) + patch(p) + 0.3·noise}, where the
 *       scene drifts slowly from frame to frame (video redundancy) and patches repeat across frames;</li>
 *   <li>system text token: an independent latent, 1.5 per component (text is not redundant);</li>
 *   <li>question text token: an independent latent plus a shared "question topic" vector that
 *       every 11th patch also carries (so salience from embeddings has something to find).</li>
 * </ul>
 *
 * <h2>Keys (per KV head h)</h2>
 * {@code k = RoPE_pos(W_h z + bias_h) + 0.1·noise}: a random projection of the latent, plus a
 * per-channel bias that is large (|bias| in 8..20, ~7× a normal channel's spread) on about 1/8 of the channels — the
 * <em>outlier key channels</em> of real LLMs — and small elsewhere; then the rotary embedding
 * (pairs c, c + d/2, frequency 10000^(−2c/d)) at the token's position, so low-frequency outlier
 * channels stay large and high-frequency channels oscillate.
 *
 * <h2>Values (per KV head h)</h2>
 * {@code v = s_h ⊙ (U_h z) + 0.2·noise} with a log-normal per-channel scale s_h (σ = 0.6): values
 * have no outlier channels but a per-channel magnitude structure, and are smooth across the
 * redundant visual tokens.
 *
 * <p>Embeddings for salience: {@link Cache#vision()} [visual tokens, LATENT] and
 * {@link Cache#text()} [question tokens, LATENT] are the latents themselves.
 */
public final class KvCacheGenerator {
    /** Latent dimension of a token. */
    public static final int LATENT = 24;

    private final int kvHeads;
    private final int headDim;
    private final int frames;
    private final int tokensPerFrame;
    private final int textPrefix;
    private final int textSuffix;
    private final long seed;

    /**
     * @param kvHeads KV heads
     * @param headDim channels per head (even: the rotary embedding pairs channels)
     * @param frames video frames
     * @param tokensPerFrame visual tokens per frame
     * @param textPrefix system text tokens before the video
     * @param textSuffix question text tokens after the video ({@code >= 1})
     * @param seed the seed: equal arguments give bit-identical caches
     */
    public KvCacheGenerator(int kvHeads, int headDim, int frames, int tokensPerFrame, int textPrefix, int textSuffix, long seed) {
        this.kvHeads = KvChecks.positive("kv heads", kvHeads);
        this.headDim = KvChecks.positive("head dim", headDim);
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dim must be even (rotary pairs), got " + headDim);
        }
        this.frames = KvChecks.positive("frames", frames);
        this.tokensPerFrame = KvChecks.positive("tokens per frame", tokensPerFrame);
        if (textPrefix < 0) {
            throw new IllegalArgumentException("text prefix must be >= 0, got " + textPrefix);
        }
        this.textPrefix = textPrefix;
        this.textSuffix = KvChecks.positive("text suffix tokens", textSuffix);
        this.seed = seed;
    }

    /** The demo shape: 4 KV heads × 128 channels, 16 frames × 144 patches (2304 visual tokens), 32 + 64 text tokens. */
    public static KvCacheGenerator demo(long seed) {
        return new KvCacheGenerator(4, 128, 16, 144, 32, 64, seed);
    }

    public int tokens() {
        return textPrefix + frames * tokensPerFrame + textSuffix;
    }

    public int visionStart() {
        return textPrefix;
    }

    public int visionTokens() {
        return frames * tokensPerFrame;
    }

    /**
     * A generated cache: K, V [kvHeads, tokens, headDim] F32; vision [nv, LATENT]; text [textSuffix, LATENT];
     * queries [kvHeads·queryGroup, min(32, textSuffix), headDim] (the last question tokens' decode queries).
     */
    public record Cache(Tensor keys, Tensor values, Tensor vision, Tensor text, Tensor queries, int visionStart) {}

    /** Query heads per KV head in {@link Cache#queries()} (GQA 7:1, as Qwen2-7B's 28 query / 4 KV heads). */
    public static final int QUERY_GROUP = 7;
    /** Query gain: sets how peaked decode attention is (mean max weight ~0.3 on the demo shape). */
    static final double QUERY_GAIN = 0.45;

    /** Generates the cache into tensors owned by {@code arena}. */
    public Cache generate(Arena arena) {
        Objects.requireNonNull(arena, "arena");
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = tokens();
        int nv = visionTokens();
        double[][] z = new double[n][LATENT];
        double[][] patch = new double[tokensPerFrame][];
        for (int p = 0; p < tokensPerFrame; p++) {
            patch[p] = gaussian(rnd, LATENT, 0.8);
        }
        double[] topic = gaussian(rnd, LATENT, 1.0);
        double[] scene = gaussian(rnd, LATENT, 1.0);
        for (int t = 0; t < textPrefix; t++) {
            z[t] = gaussian(rnd, LATENT, 1.5);
        }
        for (int f = 0; f < frames; f++) {
            double[] drift = gaussian(rnd, LATENT, 0.25);
            for (int i = 0; i < LATENT; i++) {
                scene[i] = 0.95 * scene[i] + drift[i];
            }
            for (int p = 0; p < tokensPerFrame; p++) {
                double[] nz = gaussian(rnd, LATENT, 0.3);
                double[] zt = z[textPrefix + f * tokensPerFrame + p];
                boolean onTopic = (p % 11) == 3; // a few patches show what the question asks about
                for (int i = 0; i < LATENT; i++) {
                    zt[i] = scene[i] + patch[p][i] + nz[i] + (onTopic ? 1.2 * topic[i] : 0);
                }
            }
        }
        for (int t = textPrefix + nv; t < n; t++) {
            double[] own = gaussian(rnd, LATENT, 1.0);
            for (int i = 0; i < LATENT; i++) {
                z[t][i] = own[i] + topic[i];
            }
        }
        int nq = Math.min(32, textSuffix);
        Tensor q = Tensor.allocate(arena, DType.F32, kvHeads * QUERY_GROUP, nq, headDim);
        Tensor k = Tensor.allocate(arena, DType.F32, kvHeads, n, headDim);
        Tensor v = Tensor.allocate(arena, DType.F32, kvHeads, n, headDim);
        int half = headDim / 2;
        for (int h = 0; h < kvHeads; h++) {
            double[][] wk = matrix(rnd, headDim, LATENT, 1 / Math.sqrt(LATENT));
            double[][] wv = matrix(rnd, headDim, LATENT, 1 / Math.sqrt(LATENT));
            double[] bias = new double[headDim];
            double[] vScale = new double[headDim];
            for (int c = 0; c < headDim; c++) {
                boolean outlier = rnd.nextInt(8) == 0;
                bias[c] = outlier ? (8 + 12 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1) : 0.3 * rnd.nextDouble() - 0.15;
                vScale[c] = Math.exp(0.6 * gauss(rnd));
            }
            double[] pre = new double[headDim];
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < headDim; c++) {
                    pre[c] = dot(wk[c], z[t]) + bias[c];
                }
                for (int c = 0; c < half; c++) {
                    double ang = t * Math.pow(10000, -2.0 * c / headDim);
                    double a = pre[c];
                    double b = pre[c + half];
                    k.set((float) (a * Math.cos(ang) - b * Math.sin(ang) + 0.1 * gauss(rnd)), h, t, c);
                    k.set((float) (a * Math.sin(ang) + b * Math.cos(ang) + 0.1 * gauss(rnd)), h, t, c + half);
                }
                for (int c = 0; c < headDim; c++) {
                    v.set((float) (vScale[c] * dot(wv[c], z[t]) + 0.2 * gauss(rnd)), h, t, c);
                }
            }
            // Queries of the last nq question tokens: W_q = W_k + noise, so a query looks for keys with a similar latent.
            for (int j = 0; j < QUERY_GROUP; j++) {
                double[][] noise = matrix(rnd, headDim, LATENT, 0.7 / Math.sqrt(LATENT));
                int qh = h * QUERY_GROUP + j;
                for (int i = 0; i < nq; i++) {
                    int t = n - nq + i;
                    for (int c = 0; c < headDim; c++) {
                        pre[c] = QUERY_GAIN * (dot(wk[c], z[t]) + dot(noise[c], z[t]));
                    }
                    for (int c = 0; c < half; c++) {
                        double ang = t * Math.pow(10000, -2.0 * c / headDim);
                        q.set((float) (pre[c] * Math.cos(ang) - pre[c + half] * Math.sin(ang)), qh, i, c);
                        q.set((float) (pre[c] * Math.sin(ang) + pre[c + half] * Math.cos(ang)), qh, i, c + half);
                    }
                }
            }
        }
        Tensor vision = Tensor.allocate(arena, DType.F32, nv, LATENT);
        Tensor text = Tensor.allocate(arena, DType.F32, textSuffix, LATENT);
        for (int i = 0; i < nv; i++) {
            for (int j = 0; j < LATENT; j++) {
                vision.set((float) z[textPrefix + i][j], i, j);
            }
        }
        for (int i = 0; i < textSuffix; i++) {
            for (int j = 0; j < LATENT; j++) {
                text.set((float) z[textPrefix + nv + i][j], i, j);
            }
        }
        return new Cache(k, v, vision, text, q, textPrefix);
    }

    private static double gauss(SplittableRandom rnd) {
        // Box-Muller from two uniforms: SplittableRandom has no nextGaussian with a fixed algorithm.
        double u = 1 - rnd.nextDouble();
        double w = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    private static double[] gaussian(SplittableRandom rnd, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * gauss(rnd);
        }
        return x;
    }

    private static double[][] matrix(SplittableRandom rnd, int rows, int cols, double scale) {
        double[][] m = new double[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = gaussian(rnd, cols, scale);
        }
        return m;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
