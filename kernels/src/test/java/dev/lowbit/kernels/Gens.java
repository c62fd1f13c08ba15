package dev.lowbit.kernels;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators for the kernels' property tests (the property-tests module has a
 * larger set of its own; test classes are not shared between modules). QuickTheories tries the
 * minimum and maximum of every draw jointly in its first examples, but not in combination with
 * other values; the range generators here therefore mix the edge values in on about one draw in
 * eight (min, max, their neighbours, and 0 and ±1 where they lie in range). Everything shrinks:
 * ranges toward the value nearest 0, mixtures toward their ordinary branch.
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

    /** One of the enum's constants, shrinking toward the first declared. */
    public static <E extends Enum<E>> Gen<E> enums(Class<E> type) {
        return Generate.enumValues(type);
    }

    /** One of the given values, shrinking toward the first. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(T... values) {
        return Generate.pick(List.of(values));
    }

    private static <T> Gen<T> withEdges(Gen<T> ordinary, List<T> edges) {
        return Generate.frequency(Pair.of(ORDINARY, ordinary), Pair.of(1, Generate.pick(List.copyOf(edges))));
    }
}
