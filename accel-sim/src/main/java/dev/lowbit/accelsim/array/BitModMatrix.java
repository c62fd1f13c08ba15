package dev.lowbit.accelsim.array;

import dev.lowbit.packing.bitmod.BitModQuantizer;
import dev.lowbit.packing.bitmod.BitModType;
import java.util.Objects;

/**
 * A weight matrix [rows = cout, cols = cin] quantized with BitMoD, unpacked for emulation: one code
 * per byte, row-major, and per group (G consecutive columns of a row; the last group of a row holds
 * {@code cols % G} when G does not divide cols) its datatype and its stored scale.
 * Group {@code g} of row {@code r} is index {@code r · groupsPerRow + g} of {@link #groupTypes}
 * and {@link #groupScales}. (The packed on-disk layout is {@code BITMOD3/BITMOD4} in packing; this is
 * the decoded view a PE array consumes.)
 *
 * @param rows        output channels
 * @param cols        input channels
 * @param groupSize   G
 * @param codes       rows · cols codes of the group's type
 * @param groupTypes  datatype of each group
 * @param groupScales stored scale of each group
 */
public record BitModMatrix(int rows, int cols, int groupSize, byte[] codes, BitModType[] groupTypes, float[] groupScales) {
    public BitModMatrix {
        if (rows <= 0 || cols <= 0 || groupSize <= 0) {
            throw new IllegalArgumentException("matrix: expected positive rows, cols, groupSize; found "
                    + rows + ", " + cols + ", " + groupSize);
        }
        Objects.requireNonNull(codes, "codes");
        int groups = rows * Math.ceilDiv(cols, groupSize);
        if (codes.length != rows * cols || groupTypes.length != groups || groupScales.length != groups) {
            throw new IllegalArgumentException("matrix: expected " + rows * cols + " codes and " + groups
                    + " group types and scales, found " + codes.length + ", " + groupTypes.length + ", " + groupScales.length);
        }
    }

    /** Groups per row: ⌈cols / G⌉. */
    public int groupsPerRow() {
        return Math.ceilDiv(cols, groupSize);
    }

    /** Datatype of the group holding column {@code col} of row {@code row}. */
    public BitModType typeAt(int row, int col) {
        return groupTypes[row * groupsPerRow() + col / groupSize];
    }

    /** Quantizes a row-major float matrix with {@code quantizer}, groups of {@code groupSize} along each row. */
    public static BitModMatrix quantize(float[] w, int rows, int cols, int groupSize, BitModQuantizer quantizer) {
        if (w.length != (long) rows * cols) {
            throw new IllegalArgumentException("w: expected " + (long) rows * cols + " floats for [" + rows + ", " + cols
                    + "], found " + w.length);
        }
        int gpr = Math.ceilDiv(cols, groupSize);
        byte[] codes = new byte[rows * cols];
        BitModType[] types = new BitModType[rows * gpr];
        float[] scales = new float[rows * gpr];
        byte[] groupCodes = new byte[groupSize];
        byte[] scratch = new byte[groupSize];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < gpr; g++) {
                int off = r * cols + g * groupSize;
                int len = Math.min(groupSize, cols - g * groupSize);
                BitModQuantizer.Choice c = quantizer.quantizeGroup(w, off, len, groupCodes, scratch);
                System.arraycopy(groupCodes, 0, codes, off, len);
                types[r * gpr + g] = c.type();
                scales[r * gpr + g] = c.scale();
            }
        }
        return new BitModMatrix(rows, cols, groupSize, codes, types, scales);
    }
}
