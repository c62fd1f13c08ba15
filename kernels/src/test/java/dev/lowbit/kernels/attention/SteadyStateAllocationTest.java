package dev.lowbit.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.KernelPool;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Once warm, a fused attention step allocates nothing. A kernel whose vectors get boxed (C2 did not
 * inline a call taking a vector, or a kernel too large for C1's register allocator stayed at tier 2,
 * as the 8-head two-channel-vector value kernel once did: 40× slower at 64 / 8 heads) allocates on
 * every block, so this catches it; a timing test could not.
 */
class SteadyStateAllocationTest {

    @ParameterizedTest(name = "{0} {1}q/{2}kv d{3}")
    @CsvSource({"0, 28, 4, 128", "1, 28, 4, 128", "0, 64, 8, 64", "1, 64, 8, 64", "4, 16, 4, 96"})
    void warmStepAllocatesNothing(int schemeIx, int qHeads, int kvHeads, int d) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofShared(); KernelPool pool = new KernelPool(1)) {
            var b = FusedAttentionSimdProperties.build(arena, 7, schemeIx, kvHeads, qHeads / kvHeads, d, 32, 64, 1024);
            QuantizedAttention a = new QuantizedAttention(b.cache(), qHeads, pool);
            float[] q = new float[qHeads * d];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) Math.sin(i);
            }
            float[] out = new float[q.length];
            long deadline = System.nanoTime() + 20_000_000_000L;
            long perStep = Long.MAX_VALUE;
            // warm until a run of steps allocates (almost) nothing, or give up after 20 s
            while (perStep > 64 && System.nanoTime() < deadline) {
                for (int i = 0; i < 200; i++) {
                    a.attend(q, out);
                }
                long before = bean.getTotalThreadAllocatedBytes();
                for (int i = 0; i < 50; i++) {
                    a.attend(q, out);
                }
                perStep = (bean.getTotalThreadAllocatedBytes() - before) / 50;
            }
            assertTrue(perStep <= 64, "a warm step allocates " + perStep + " bytes (boxed vectors?) on " + VectorShapes.describe());
        }
    }
}
