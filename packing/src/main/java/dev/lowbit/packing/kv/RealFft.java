package dev.lowbit.packing.kv;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The discrete Fourier transform of a real vector of any length {@code n >= 1}, in
 * Hermitian-packed form: n reals, not 2n.
 *
 * <p>Forward (unnormalised): {@code X_k = Σ_j x_j·e^(−2πi·jk/n)}. For real x, {@code X_{n−k}}
 * is the conjugate of {@code X_k}, {@code Im X_0 = 0} and, for even n, {@code Im X_{n/2} = 0};
 * so the spectrum is fully described by n reals, packed as
 * <pre>
 *   R = [Re X_0, Re X_1, Im X_1, Re X_2, Im X_2, …, (n even: Re X_{n/2})]
 *   R[0] = Re X_0;  R[2k−1] = Re X_k, R[2k] = Im X_k for 1 &lt;= k &lt; n/2 (k &lt;= (n−1)/2 for odd n);
 *   n even: R[n−1] = Re X_{n/2}.
 * </pre>
 * Inverse: {@code x_j = (1/n)·[R0 + 2·Σ_k (Re X_k·cos θ − Im X_k·sin θ) + (n even) Re X_{n/2}·(−1)^j]}
 * with θ = 2π·jk/n. The inverse is a linear map x = A·R; {@link #transposeInverse} applies Aᵀ,
 * so that {@code q·x = (Aᵀq)·R} (Parseval form: the query is transformed once, then dotted with
 * any number of spectra without inverse-transforming them).
 *
 * <p>Direct O(n²) evaluation in double with one table of {@code cos/sin(2π·m/n)} (angles reduced
 * exactly by {@code (j·k) mod n}): simple and accurate; head dimensions are at most a few hundred.
 * Instances are immutable and thread-safe; {@link #of(int)} caches them per n.
 */
public final class RealFft {
    private static final ConcurrentHashMap<Integer, RealFft> CACHE = new ConcurrentHashMap<>();
    /** Largest supported length: the O(n²) evaluation is meant for head-dimension sizes. */
    public static final int MAX_N = 1 << 14;

    private final int n;
    private final double[] cos;
    private final double[] sin;

    private RealFft(int n) {
        this.n = n;
        cos = new double[n];
        sin = new double[n];
        for (int m = 0; m < n; m++) {
            double a = 2 * Math.PI * m / n;
            cos[m] = Math.cos(a);
            sin[m] = Math.sin(a);
        }
    }

    /** The transform of length {@code n} (cached). */
    public static RealFft of(int n) {
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("FFT length n must be in 1.." + MAX_N + ", got " + n);
        }
        return CACHE.computeIfAbsent(n, RealFft::new);
    }

    public int size() {
        return n;
    }

    /** Number of complex bins k >= 1 with both a real and an imaginary part stored. */
    private int pairCount() {
        return (n - 1) / 2;
    }

    /** Forward transform of {@code x[xOff, xOff+n)} into the packed spectrum {@code r[rOff, rOff+n)}. */
    public void forward(double[] x, int xOff, double[] r, int rOff) {
        check(x, xOff, "x");
        check(r, rOff, "r");
        double s0 = 0;
        for (int j = 0; j < n; j++) {
            s0 += x[xOff + j];
        }
        double[] tmp = new double[n];
        tmp[0] = s0;
        for (int k = 1; k <= pairCount(); k++) {
            double re = 0;
            double im = 0;
            for (int j = 0; j < n; j++) {
                int m = (int) ((long) j * k % n);
                re += x[xOff + j] * cos[m];
                im -= x[xOff + j] * sin[m];
            }
            tmp[2 * k - 1] = re;
            tmp[2 * k] = im;
        }
        if (n % 2 == 0 && n > 1) {
            double re = 0;
            for (int j = 0; j < n; j++) {
                re += (j % 2 == 0) ? x[xOff + j] : -x[xOff + j];
            }
            tmp[n - 1] = re;
        }
        System.arraycopy(tmp, 0, r, rOff, n);
    }

    /** Inverse transform of the packed spectrum {@code r[rOff, rOff+n)} into {@code x[xOff, xOff+n)}. */
    public void inverse(double[] r, int rOff, double[] x, int xOff) {
        check(r, rOff, "r");
        check(x, xOff, "x");
        double[] tmp = new double[n];
        for (int j = 0; j < n; j++) {
            double s = r[rOff];
            for (int k = 1; k <= pairCount(); k++) {
                int m = (int) ((long) j * k % n);
                s += 2 * (r[rOff + 2 * k - 1] * cos[m] - r[rOff + 2 * k] * sin[m]);
            }
            if (n % 2 == 0 && n > 1) {
                s += (j % 2 == 0) ? r[rOff + n - 1] : -r[rOff + n - 1];
            }
            tmp[j] = s / n;
        }
        System.arraycopy(tmp, 0, x, xOff, n);
    }

    /**
     * {@code out = Aᵀ·q} where x = A·R is the inverse transform; then {@code q·inverse(R) = out·R}
     * for every packed spectrum R.
     */
    public void transposeInverse(double[] q, int qOff, double[] out, int outOff) {
        check(q, qOff, "q");
        check(out, outOff, "out");
        double[] tmp = new double[n];
        double s0 = 0;
        for (int j = 0; j < n; j++) {
            s0 += q[qOff + j];
        }
        tmp[0] = s0 / n;
        for (int k = 1; k <= pairCount(); k++) {
            double c = 0;
            double s = 0;
            for (int j = 0; j < n; j++) {
                int m = (int) ((long) j * k % n);
                c += q[qOff + j] * cos[m];
                s += q[qOff + j] * sin[m];
            }
            tmp[2 * k - 1] = 2 * c / n;
            tmp[2 * k] = -2 * s / n;
        }
        if (n % 2 == 0 && n > 1) {
            double a = 0;
            for (int j = 0; j < n; j++) {
                a += (j % 2 == 0) ? q[qOff + j] : -q[qOff + j];
            }
            tmp[n - 1] = a / n;
        }
        System.arraycopy(tmp, 0, out, outOff, n);
    }

    private void check(double[] a, int off, String name) {
        Objects.requireNonNull(a, name);
        if (off < 0 || off > a.length - n) {
            throw new IllegalArgumentException(name + ": need " + n + " elements from offset " + off
                    + ", array has " + a.length);
        }
    }
}
