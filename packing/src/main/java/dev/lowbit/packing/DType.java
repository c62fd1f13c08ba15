package dev.lowbit.packing;

/** Element types a {@link Tensor} can hold. Little-endian in memory and on disk. */
public enum DType {
    /** IEEE 754 binary32. */
    F32(4),
    /** IEEE 754 binary16, converted with {@link Float#float16ToFloat(short)}. */
    F16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
