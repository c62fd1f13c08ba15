package dev.lowbit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The forced species really is in use in each surefire execution. */
class VectorShapesTest {
    @Test
    void forcedShapeIsHonoured() {
        String forced = System.getProperty("lowbit.vector.bits");
        if (forced != null && !forced.isBlank()) {
            assertEquals(Integer.parseInt(forced), VectorShapes.SHAPE.vectorBitSize());
        }
        assertEquals(VectorShapes.SHAPE.vectorBitSize() / 32, VectorShapes.F.length());
    }
}
