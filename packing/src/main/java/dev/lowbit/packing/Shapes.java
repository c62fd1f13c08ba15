package dev.lowbit.packing;

import java.util.Arrays;

/** Shape arithmetic that refuses to overflow: element counts are {@code long} and checked. */
public final class Shapes {
    private Shapes() {}

    /**
     * The number of elements of {@code shape}.
     *
     * @throws IllegalArgumentException if a dimension is negative or the product overflows {@code long}
     */
    public static long elementCount(long... shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + ": dimension " + i + " is negative (" + shape[i] + ")");
            }
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + ": element count overflows a 64-bit long", e);
            }
        }
        return n;
    }

    /** {@code count * elementBytes}, checked for overflow. */
    public static long byteCount(long count, long elementBytes) {
        try {
            return Math.multiplyExact(count, elementBytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    count + " elements of " + elementBytes + " bytes overflow a 64-bit byte size", e);
        }
    }

    /** {@code ceil(a / b)} for {@code a >= 0, b > 0}. */
    public static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }

    /** Throws unless {@code value} is strictly positive; {@code what} names the argument. */
    public static int requirePositive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, was " + value);
        }
        return value;
    }

    /** Throws unless {@code value} is strictly positive; {@code what} names the argument. */
    public static long requirePositive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, was " + value);
        }
        return value;
    }
}
