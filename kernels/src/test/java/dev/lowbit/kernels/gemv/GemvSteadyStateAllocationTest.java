package dev.lowbit.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.SyntheticWeights;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Once warm, every float-activation and int8-activation GEMV allocates nothing, in a JVM that has
 * run all of them first, as a runtime does (a boxed kernel allocates on every call; a timing test
 * could not tell). It does not reproduce the demo JVM's history that once made BITMOD3 box (a
 * Vector API call given a loop variable where C2 needs a constant, LowBitGemv.widen): with the old
 * widen this test passes; the demo's own timings showed that one.
 *
 * <p>At forced 128 bits (the simd-128 test JVM) it caught the int8 kernels boxing: first all five
 * (one lookup method with a branch per table width, compiled too big to inline again), then
 * BITMOD4's four-vector lookups (C2's parse of four written-out lookups hit
 * NodeCountInliningCutoff). Both fixed in Int8LutGemv; every kernel is held to it at every width.
 */
class GemvSteadyStateAllocationTest {
    private static final List<PackedFormat> FORMATS = List.of(PackedFormat.BITMOD4, PackedFormat.BITMOD3, PackedFormat.TERNARY2,
            PackedFormat.INT2, PackedFormat.TERNARY_B3);

    @Test
    void everyWarmGemvAllocatesNothingAfterAllRan() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rows = 256;
        int cols = 1024;
        try (Arena arena = Arena.ofShared(); RowPool one = new RowPool(1)) {
            Tensor w = Tensor.of(arena, SyntheticWeights.generate(rows, cols, 5), rows, cols);
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) Math.sin(i);
            }
            float[] y = new float[rows];
            List<Gemv> kernels = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (PackedFormat f : FORMATS) {
                QuantizedTensor qt = QuantizedTensor.quantize(w, f, GroupAxis.TOKEN, 128, arena);
                kernels.add(new LowBitGemv(qt));
                names.add(f.name().toLowerCase());
                kernels.add(new Int8LutGemv(qt));
                names.add(f.name().toLowerCase() + "_i8");
            }
            for (Gemv k : kernels) { // the mixed history first
                for (int i = 0; i < 300; i++) {
                    k.multiply(x, y, one);
                }
            }
            List<String> allocating = new ArrayList<>();
            for (int ki = 0; ki < kernels.size(); ki++) {
                Gemv k = kernels.get(ki);
                long deadline = System.nanoTime() + 10_000_000_000L;
                long perCall = Long.MAX_VALUE;
                while (perCall > 64 && System.nanoTime() < deadline) {
                    for (int i = 0; i < 500; i++) {
                        k.multiply(x, y, one);
                    }
                    long before = bean.getTotalThreadAllocatedBytes();
                    for (int i = 0; i < 50; i++) {
                        k.multiply(x, y, one);
                    }
                    perCall = (bean.getTotalThreadAllocatedBytes() - before) / 50;
                }
                if (perCall > 64) {
                    allocating.add(names.get(ki) + " " + perCall + " B/call");
                }
            }
            assertTrue(allocating.isEmpty(), "warm GEMVs allocate (boxed vectors?) on " + VectorShapes.describe() + ": " + allocating);
        }
    }
}
