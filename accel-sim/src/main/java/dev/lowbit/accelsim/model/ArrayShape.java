package dev.lowbit.accelsim.model;

/**
 * A PE array of {@code rows × cols} PEs: rows hold output channels, columns hold tokens
 * (authors' simulator: {@code h} divides cout, {@code w} divides the token count).
 */
public record ArrayShape(int rows, int cols) {
    public ArrayShape {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("array: expected positive rows x cols, found " + rows + " x " + cols);
        }
    }

    /** Number of PEs. */
    public int pes() {
        return rows * cols;
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
