package dev.lowbit.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel uses, as {@code static final} constants (a species held in a
 * field or passed around defeats intrinsification).
 *
 * <p>By default the machine's preferred shape. The system property {@code lowbit.vector.bits}
 * (128, 256 or 512) forces a smaller shape at class initialisation, so tests can run every
 * kernel on 128- and 256-bit species on an AVX-512 machine; the constants stay constants.
 */
public final class VectorShapes {
    /** The shape in use. */
    public static final VectorShape SHAPE = pickShape();

    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(SHAPE);

    private VectorShapes() {}

    private static VectorShape pickShape() {
        VectorShape preferred = VectorShape.preferredShape();
        String forced = System.getProperty("lowbit.vector.bits");
        if (forced == null || forced.isBlank()) {
            return preferred;
        }
        int bits;
        try {
            bits = Integer.parseInt(forced.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lowbit.vector.bits must be 128, 256 or 512, was '" + forced + "'");
        }
        VectorShape s = switch (bits) {
            case 128 -> VectorShape.S_128_BIT;
            case 256 -> VectorShape.S_256_BIT;
            case 512 -> VectorShape.S_512_BIT;
            default -> throw new IllegalArgumentException("lowbit.vector.bits must be 128, 256 or 512, was " + bits);
        };
        if (s.vectorBitSize() > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("lowbit.vector.bits=" + bits + " exceeds this machine's "
                    + preferred.vectorBitSize() + "-bit vectors");
        }
        return s;
    }

    /** A one-line description, e.g. {@code "512-bit (16 float lanes)"}. */
    public static String describe() {
        return SHAPE.vectorBitSize() + "-bit (" + F.length() + " float lanes)";
    }
}
