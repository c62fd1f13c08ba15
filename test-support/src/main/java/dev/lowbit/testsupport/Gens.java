package dev.lowbit.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators shared by the property tests of every module (kernels, property-tests). QuickTheories tries the minimum and
 * maximum of every draw jointly in its first examples, but not in combination with other values;
 * the range generators here therefore mix the edge values in on about one draw in eight
 * (min, max, their neighbours, and 0 and ±1 where they lie in range), as the earlier library did.
 * Everything shrinks: ranges toward the value nearest 0, mixtures toward their first (ordinary)
 * branch, arrays toward their shortest length.
 */
public final class Gens {
    private Gens() {}

    /** Weight of the ordinary branch against one for the edge values. */
    private static final int ORDINARY = 7;

    private static long nearestZero(long min, long max) {
        return Math.max(min, Math.min(max, 0));
    }

    /** Integers in [min, max] with the edge values mixed in. */
    public static Gen<Integer> ints(int min, int max) {
        if (min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
        List<Integer> edges = new ArrayList<>();
        for (long e : new long[] {min, max, (long) min + 1, (long) max - 1, 0, 1, -1}) {
            if (e >= min && e <= max && !edges.contains((int) e)) {
                edges.add((int) e);
            }
        }
        return withEdges(Generate.range(min, max, (int) nearestZero(min, max)), edges);
    }

    /** Longs in [min, max] with the edge values mixed in. */
    public static Gen<Long> longs(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
        List<Long> edges = new ArrayList<>();
        for (long e : new long[] {min, max, min == Long.MAX_VALUE ? min : min + 1, max == Long.MIN_VALUE ? max : max - 1, 0, 1, -1}) {
            if (e >= min && e <= max && !edges.contains(e)) {
                edges.add(e);
            }
        }
        return withEdges(Generate.longRange(min, max, nearestZero(min, max)), edges);
    }

    /** Any long, for seeding a {@link java.util.Random} that builds the bulk data of one example. */
    public static Gen<Long> seeds() {
        return longs(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Any int. */
    public static Gen<Integer> anyInt() {
        return ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public static Gen<Boolean> booleans() {
        return Generate.booleans();
    }

    /** One of the enum's constants, shrinking toward the first declared. */
    public static <E extends Enum<E>> Gen<E> enums(Class<E> type) {
        return Generate.enumValues(type);
    }

    /** One of the given values, shrinking toward the first. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(T... values) {
        return Generate.pick(List.of(values));
    }

    /** One of the given values, shrinking toward the first. */
    public static <T> Gen<T> oneOf(List<T> values) {
        return Generate.pick(List.copyOf(values));
    }

    /**
     * Doubles in [min, max]: mostly with two decimals (the old default scale), as often at full
     * precision, and the edge values (min, max, their neighbouring doubles, 0 and ±1 in range).
     */
    public static Gen<Double> doubles(double min, double max) {
        long lo = (long) Math.ceil(min * 100);
        long hi = (long) Math.floor(max * 100);
        Gen<Double> twoDecimals = Generate.longRange(lo, hi, nearestZero(lo, hi)).map(n -> n / 100.0);
        Gen<Double> full = Generate.longRange(0, 1L << 53, 0).map(n -> Math.min(max, min + (max - min) * (n * 0x1p-53)));
        List<Double> edges = new ArrayList<>();
        for (double e : new double[] {min, max, Math.nextUp(min), Math.nextDown(max), 0, 1, -1}) {
            if (e >= min && e <= max && !edges.contains(e)) {
                edges.add(e);
            }
        }
        return Generate.frequency(Pair.of(ORDINARY / 2 + 1, twoDecimals), Pair.of(ORDINARY / 2, full),
                Pair.of(1, Generate.pick(edges)));
    }

    /** Strings of the given characters, of length in [minLength, maxLength]. */
    public static Gen<String> strings(String alphabet, int minLength, int maxLength) {
        Gen<Integer> lengths = ints(minLength, maxLength);
        Gen<Integer> index = Generate.range(0, alphabet.length() - 1, 0);
        Gen<String> gen = in -> {
            int n = lengths.generate(in);
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                b.append(alphabet.charAt(index.generate(in)));
            }
            return b.toString();
        };
        return gen.describedAs(s -> '"' + s + '"');
    }

    /** Float arrays of length in [minLength, maxLength] (edges mixed in), printed in full on failure. */
    public static Gen<float[]> floatArrays(Gen<Float> elements, int minLength, int maxLength) {
        Gen<Integer> lengths = ints(minLength, maxLength);
        Gen<float[]> gen = in -> {
            float[] x = new float[lengths.generate(in)];
            for (int i = 0; i < x.length; i++) {
                x[i] = elements.generate(in);
            }
            return x;
        };
        return gen.describedAs(Arrays::toString);
    }

    /** Int arrays of length in [minLength, maxLength] (edges mixed in), printed in full on failure. */
    public static Gen<int[]> intArrays(Gen<Integer> elements, int minLength, int maxLength) {
        return Generate.intArrays(ints(minLength, maxLength), elements).describedAs(Arrays::toString);
    }

    private static <T> Gen<T> withEdges(Gen<T> ordinary, List<T> edges) {
        return Generate.frequency(Pair.of(ORDINARY, ordinary), Pair.of(1, Generate.pick(List.copyOf(edges))));
    }
}
