package dev.lowbit.packing.kv;

import java.util.Arrays;
import java.util.Comparator;

/**
 * VidKV's split of one KV head's d key channels into <em>anomalous</em> channels (kept at INT2)
 * and <em>normal</em> channels (FFT + 1 bit). Both lists are ascending channel indices and
 * together are a partition of {@code 0..d-1}. Fixed per head once chosen (a cache never changes
 * it), so a decode step transforms the query's normal sub-vector once per head.
 */
public record ChannelSplit(int headDim, int[] anomalous, int[] normal) {

    public ChannelSplit {
        anomalous = anomalous.clone();
        normal = normal.clone();
        if (anomalous.length + normal.length != headDim) {
            throw new IllegalArgumentException("channel split: " + anomalous.length + " anomalous + " + normal.length
                    + " normal channels, expected head dim " + headDim);
        }
        boolean[] seen = new boolean[headDim];
        for (int[] list : new int[][] {anomalous, normal}) {
            for (int i = 0; i < list.length; i++) {
                int c = list[i];
                if (c < 0 || c >= headDim || seen[c]) {
                    throw new IllegalArgumentException("channel split: channel " + c + " is out of 0.." + (headDim - 1)
                            + " or listed twice");
                }
                if (i > 0 && list[i - 1] >= c) {
                    throw new IllegalArgumentException("channel split: channel lists must be ascending, found " + list[i - 1]
                            + " before " + c);
                }
                seen[c] = true;
            }
        }
    }

    @Override
    public int[] anomalous() {
        return anomalous.clone();
    }

    @Override
    public int[] normal() {
        return normal.clone();
    }

    public int anomalousCount() {
        return anomalous.length;
    }

    public int normalCount() {
        return normal.length;
    }

    /** Anomalous channel {@code i} (ascending order). */
    public int anomalousChannel(int i) {
        return anomalous[i];
    }

    /** Normal channel {@code i} (ascending order). */
    public int normalChannel(int i) {
        return normal[i];
    }

    /** An explicit split: the given channels are anomalous, the rest normal. */
    public static ChannelSplit explicit(int headDim, int... anomalousChannels) {
        KvChecks.positive("head dim", headDim);
        int[] a = anomalousChannels.clone();
        Arrays.sort(a);
        boolean[] isA = new boolean[headDim];
        for (int c : a) {
            if (c < 0 || c >= headDim) {
                throw new IllegalArgumentException("anomalous channel " + c + " is out of 0.." + (headDim - 1));
            }
            isA[c] = true;
        }
        int[] n = new int[headDim - a.length];
        int k = 0;
        for (int c = 0; c < headDim; c++) {
            if (!isA[c]) {
                if (k == n.length) {
                    throw new IllegalArgumentException("anomalous channels contain duplicates: " + Arrays.toString(anomalousChannels));
                }
                n[k++] = c;
            }
        }
        return new ChannelSplit(headDim, a, n);
    }

    /**
     * VidKV's rule: the {@code anomalousCount} channels with the largest range (max − min over
     * {@code tokens} tokens of {@code x}, token-major {@code [tokens][d]} from {@code xOff}) are
     * anomalous; ties go to the lower channel index.
     */
    public static ChannelSplit byRange(float[] x, int xOff, int tokens, int headDim, int anomalousCount) {
        KvChecks.positive("head dim", headDim);
        KvChecks.positive("calibration tokens", tokens);
        if (anomalousCount < 0 || anomalousCount > headDim) {
            throw new IllegalArgumentException("anomalous channel count must be in 0.." + headDim + ", got " + anomalousCount);
        }
        double[] range = new double[headDim];
        for (int c = 0; c < headDim; c++) {
            float mn = Float.POSITIVE_INFINITY;
            float mx = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < tokens; t++) {
                float v = x[xOff + t * headDim + c];
                mn = Math.min(mn, v);
                mx = Math.max(mx, v);
            }
            range[c] = (double) mx - mn;
        }
        Integer[] order = new Integer[headDim];
        for (int c = 0; c < headDim; c++) {
            order[c] = c;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> -range[c]).thenComparingInt(c -> c));
        int[] a = new int[anomalousCount];
        for (int i = 0; i < anomalousCount; i++) {
            a[i] = order[i];
        }
        return explicit(headDim, a);
    }

    /** Anomalous channel count for a key bit budget: fraction = bits − 1 (1.5 bits → 50%), of d, rounded. */
    public static int anomalousCountForBits(double keyBits, int headDim) {
        if (!(keyBits >= 1 && keyBits <= 2)) {
            throw new IllegalArgumentException("VidKV key bits must be in [1, 2] (1 bit FFT .. 2 bit INT2), got " + keyBits);
        }
        return (int) Math.round((keyBits - 1) * headDim);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelSplit s && s.headDim == headDim && Arrays.equals(s.anomalous, anomalous)
                && Arrays.equals(s.normal, normal);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(anomalous) + headDim;
    }

    @Override
    public String toString() {
        return "ChannelSplit[d=" + headDim + ", anomalous=" + Arrays.toString(anomalous) + "]";
    }
}
