package dev.lowbit.packing.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RealFftTest {

    /** Naive complex DFT, written independently of RealFft: X_k = Σ x_j e^{-2πi jk/n}. */
    private static double[][] naiveDft(double[] x) {
        int n = x.length;
        double[] re = new double[n];
        double[] im = new double[n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double a = -2 * Math.PI * j * k / n;
                re[k] += x[j] * Math.cos(a);
                im[k] += x[j] * Math.sin(a);
            }
        }
        return new double[][] {re, im};
    }

    @Test
    void forwardMatchesNaiveDftInHermitianPackedOrderForManyLengths() {
        Random rnd = new Random(1);
        for (int n = 1; n <= 70; n++) {
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextGaussian() * 3;
            }
            double[][] X = naiveDft(x);
            double[] r = new double[n];
            RealFft.of(n).forward(x, 0, r, 0);
            double tol = 1e-9 * n;
            assertEquals(X[0][0], r[0], tol, "Re X0, n=" + n);
            for (int k = 1; 2 * k < n; k++) {
                assertEquals(X[0][k], r[2 * k - 1], tol, "Re X" + k + ", n=" + n);
                assertEquals(X[1][k], r[2 * k], tol, "Im X" + k + ", n=" + n);
            }
            if (n % 2 == 0 && n > 1) {
                assertEquals(X[0][n / 2], r[n - 1], tol, "Re X_n/2, n=" + n);
                assertEquals(0, X[1][n / 2], tol);
            }
        }
    }

    @Test
    void inverseOfForwardIsIdentity() {
        Random rnd = new Random(2);
        for (int n : new int[] {1, 2, 3, 5, 7, 8, 31, 64, 96, 127, 128, 256}) {
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextGaussian() * 100;
            }
            double[] r = new double[n];
            double[] y = new double[n];
            RealFft f = RealFft.of(n);
            f.forward(x, 0, r, 0);
            f.inverse(r, 0, y, 0);
            for (int j = 0; j < n; j++) {
                assertEquals(x[j], y[j], 1e-9 * n * 100, "n=" + n + " j=" + j);
            }
        }
    }

    @Test
    void transposeInverseGivesParsevalDotProducts() {
        Random rnd = new Random(3);
        for (int n : new int[] {1, 2, 3, 6, 33, 64}) {
            RealFft f = RealFft.of(n);
            double[] q = new double[n];
            double[] r = new double[n];
            for (int j = 0; j < n; j++) {
                q[j] = rnd.nextGaussian();
                r[j] = rnd.nextGaussian();
            }
            double[] x = new double[n];
            f.inverse(r, 0, x, 0);
            double[] qt = new double[n];
            f.transposeInverse(q, 0, qt, 0);
            double direct = 0;
            double parseval = 0;
            for (int j = 0; j < n; j++) {
                direct += q[j] * x[j];
                parseval += qt[j] * r[j];
            }
            assertEquals(direct, parseval, 1e-10 * n, "n=" + n);
        }
    }

    @Test
    void rejectsBadLengthsAndShortArrays() {
        assertThrows(IllegalArgumentException.class, () -> RealFft.of(0));
        assertThrows(IllegalArgumentException.class, () -> RealFft.of(8).forward(new double[7], 0, new double[8], 0));
        assertThrows(IllegalArgumentException.class, () -> RealFft.of(8).inverse(new double[8], 1, new double[8], 0));
    }
}
