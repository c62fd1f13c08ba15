package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-entry table lookup every GEMV kernel decodes codes with: lane {@code i} gets
 * {@code table[off + (idx_i & 15)]} (float bits stored as ints). One {@code selectFrom} on 16-lane
 * species (→ {@code vpermd}), a two-table permute on 8 lanes, two permutes and a blend on 4 lanes.
 * Vector API permutes wrap their indexes (JDK 24+), so the wider paths need no mask.
 */
final class TableLookup {
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final int L = I.length();

    private TableLookup() {}

    static IntVector lookup16(IntVector idx, int[] table, int off) {
        if (L >= 16) {
            return idx.selectFrom(IntVector.fromArray(I, table, off));
        } else if (L == 8) {
            return idx.selectFrom(IntVector.fromArray(I, table, off), IntVector.fromArray(I, table, off + 8));
        }
        IntVector i16 = idx.and(15);
        IntVector lo = i16.selectFrom(IntVector.fromArray(I, table, off), IntVector.fromArray(I, table, off + 4));
        IntVector hi = i16.selectFrom(IntVector.fromArray(I, table, off + 8), IntVector.fromArray(I, table, off + 12));
        return lo.blend(hi, i16.compare(VectorOperators.GE, 8));
    }
}
