package dev.lowbit.packing;

/**
 * Error of an approximation against a reference, accumulated in double: max |error|, RMSE, MSE
 * and relative L2 error (‖x̂ − x‖ / ‖x‖).
 */
public final class ErrorStats {
    private double sumSq;
    private double refSq;
    private double maxAbs;
    private long count;

    /** An empty accumulator. */
    public ErrorStats() {}

    /** Adds one pair. */
    public void add(double reference, double approx) {
        double e = approx - reference;
        sumSq += e * e;
        refSq += reference * reference;
        maxAbs = Math.max(maxAbs, Math.abs(e));
        count++;
    }

    /** Adds every element pair of two tensors of the same shape. */
    public static ErrorStats of(Tensor reference, Tensor approx) {
        if (!java.util.Arrays.equals(reference.shape(), approx.shape())) {
            throw new IllegalArgumentException("shapes differ: " + java.util.Arrays.toString(reference.shape())
                    + " vs " + java.util.Arrays.toString(approx.shape()));
        }
        ErrorStats s = new ErrorStats();
        for (long i = 0, n = reference.elementCount(); i < n; i++) {
            s.add(reference.getFlat(i), approx.getFlat(i));
        }
        return s;
    }

    public long count() {
        return count;
    }

    public double maxAbs() {
        return maxAbs;
    }

    public double mse() {
        return count == 0 ? 0 : sumSq / count;
    }

    public double rmse() {
        return Math.sqrt(mse());
    }

    /** ‖x̂ − x‖ / ‖x‖ (0 when both are zero). */
    public double relL2() {
        return refSq == 0 ? (sumSq == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(sumSq / refSq);
    }
}
