package dev.lowbit.packing.format;

/**
 * Every packed format lowbit stores, with its on-disk id and nominal payload bits per element.
 * Honest bits (payload + metadata + padding) depend on the group size: see
 * {@link QuantizedTensor#bitsPerElement()}.
 */
public enum PackedFormat {
    /** 1-bit sign, value = ±scale, scale = mean |x| of the group. See {@link Int1Codec}. */
    INT1(1, 1.0, new Int1Codec()),
    /** 1.58-bit trit in 2 bits (two bit planes: +1 and −1). See {@link Ternary2Codec}. */
    TERNARY2(2, 2.0, new Ternary2Codec()),
    /** 1.58-bit trits, five per byte (3^5 = 243 ≤ 256): 1.6 bits. See {@link TernaryB3Codec}. */
    TERNARY_B3(3, 1.6, new TernaryB3Codec()),
    /** 2-bit asymmetric, value = min + q·step, q in 0..3. See {@link Int2Codec}. */
    INT2(4, 2.0, new Int2Codec()),
    /** BitMoD 3-bit: per-group datatype (2-bit id) + E5M9 scale, G = 128. See {@link dev.lowbit.packing.bitmod.BitModCodec}. */
    BITMOD3(5, 3.0, new dev.lowbit.packing.bitmod.BitModCodec(3)),
    /** BitMoD 4-bit: per-group datatype (2-bit id) + E5M9 scale, G = 128. See {@link dev.lowbit.packing.bitmod.BitModCodec}. */
    BITMOD4(6, 4.0, new dev.lowbit.packing.bitmod.BitModCodec(4));

    private final int id;
    private final double payloadBits;
    private final GroupCodec codec;

    PackedFormat(int id, double payloadBits, GroupCodec codec) {
        this.id = id;
        this.payloadBits = payloadBits;
        this.codec = codec;
    }

    /** The id written into packed files; stable across versions. */
    public int id() {
        return id;
    }

    /** Bits of code per element, without metadata or padding (what papers quote). */
    public double payloadBitsPerElement() {
        return payloadBits;
    }

    /** The scalar reference codec. */
    public GroupCodec codec() {
        return codec;
    }

    /** The format with file id {@code id}. */
    public static PackedFormat byId(int id) {
        for (PackedFormat f : values()) {
            if (f.id == id) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown packed format id " + id);
    }

    /** Parses a format name ({@code int1}, {@code ternary2}, {@code ternary_b3}, {@code int2}; case-insensitive). */
    public static PackedFormat parse(String name) {
        String n = name.trim().replace('-', '_');
        for (PackedFormat f : values()) {
            if (f.name().equalsIgnoreCase(n)) {
                return f;
            }
        }
        StringBuilder known = new StringBuilder();
        for (PackedFormat f : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(f.name().toLowerCase());
        }
        throw new IllegalArgumentException("unknown format '" + name + "'; expected one of " + known);
    }
}
