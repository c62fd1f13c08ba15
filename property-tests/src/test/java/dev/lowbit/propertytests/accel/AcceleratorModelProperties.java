package dev.lowbit.propertytests.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.accelsim.model.AcceleratorModel;
import dev.lowbit.accelsim.model.ArrayShape;
import dev.lowbit.accelsim.model.Design;
import dev.lowbit.accelsim.model.Designs;
import dev.lowbit.accelsim.model.LatencyRule;
import dev.lowbit.accelsim.model.LayerCost;
import dev.lowbit.accelsim.model.Refetch;
import dev.lowbit.accelsim.model.RunResult;
import dev.lowbit.accelsim.workload.LayerOp;
import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.OpKind;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.accelsim.workload.Workload;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Monotonicity and accounting properties of the analytical accelerator model over random layers and arrays. */
class AcceleratorModelProperties {

    @Provide
    Arbitrary<LayerOp> layers() {
        return Combinators.combine(
                Arbitraries.longs().between(1, 20_000), Arbitraries.longs().between(1, 20_000),
                Arbitraries.longs().between(1, 600), Arbitraries.longs().between(1, 40),
                Arbitraries.of(OpKind.values()))
                .as((cout, cin, t, n, kind) -> new LayerOp("op", kind, cout, cin, t, n));
    }

    @Provide
    Arbitrary<Design> designs() {
        return Arbitraries.of(Designs.all());
    }

    @Property(tries = 200)
    void morePesAreNeverSlower(@ForAll("layers") LayerOp op, @ForAll("designs") Design d,
                               @ForAll @IntRange(min = 1, max = 96) int h, @ForAll @IntRange(min = 1, max = 48) int w,
                               @ForAll @IntRange(min = 0, max = 64) int dh, @ForAll @IntRange(min = 0, max = 32) int dw,
                               @ForAll @DoubleRange(min = 1, max = 16) double bits) {
        LayerCost small = AcceleratorModel.layer(d, new ArrayShape(h, w), op, bits);
        LayerCost big = AcceleratorModel.layer(d, new ArrayShape(h + dh, w + dw), op, bits);
        assertTrue(big.cycles() <= small.cycles(), big.cycles() + " > " + small.cycles());
        assertTrue(big.computeCycles() <= small.computeCycles());
        assertEquals(small.dramBytes(), big.dramBytes()); // traffic does not depend on the array
    }

    @Property(tries = 50)
    void morePesAreNeverSlowerOnWholeModels(@ForAll("models") ModelConfig m, @ForAll("designs") Design d,
                                            @ForAll Phase phase, @ForAll @IntRange(min = 0, max = 32) int dh,
                                            @ForAll @IntRange(min = 0, max = 16) int dw) {
        Workload wl = Workload.of(m, phase, 64);
        ArrayShape a = d.array(phase);
        RunResult small = AcceleratorModel.run(d, wl, a);
        RunResult big = AcceleratorModel.run(d, wl, new ArrayShape(a.rows() + dh, a.cols() + dw));
        assertTrue(big.cycles() <= small.cycles());
    }

    @Property(tries = 200)
    void bitSerialLatencyGrowsWithBits(@ForAll @DoubleRange(min = 0.5, max = 32) double a,
                                       @ForAll @DoubleRange(min = 0, max = 16) double more,
                                       @ForAll LatencyRule rule) {
        int la = AcceleratorModel.tileLatency(true, a, rule);
        int lb = AcceleratorModel.tileLatency(true, a + more, rule);
        assertTrue(lb >= la);
        // from 2 whole bits on, two more bits always cost exactly one more cycle
        double whole = Math.max(2, Math.floor(a));
        assertEquals(AcceleratorModel.tileLatency(true, whole, rule) + 1, AcceleratorModel.tileLatency(true, whole + 2, rule));
        // the released simulator's rule never takes fewer cycles than the PE's
        assertTrue(AcceleratorModel.tileLatency(true, a, LatencyRule.AUTHORS) >= AcceleratorModel.tileLatency(true, a));
        assertEquals(1, AcceleratorModel.tileLatency(false, a + more, rule));
    }

    @Property(tries = 100)
    void moreWeightBitsAreNeverFasterOrCheaper(@ForAll("layers") LayerOp op, @ForAll("designs") Design d,
                                               @ForAll @DoubleRange(min = 1, max = 16) double bits,
                                               @ForAll @DoubleRange(min = 0, max = 8) double more) {
        ArrayShape a = d.decodeArray();
        LayerCost lo = AcceleratorModel.layer(d, a, op, bits);
        LayerCost hi = AcceleratorModel.layer(d, a, op, bits + more);
        assertTrue(hi.cycles() >= lo.cycles());
        assertTrue(hi.dramBytes() >= lo.dramBytes());
        assertTrue(hi.totalPj() >= lo.totalPj() * (1 - 1e-12));
    }

    @Property(tries = 200)
    void tilesCoverEveryMacWithLessThanOneTilePerDimensionOfWaste(@ForAll("layers") LayerOp op,
            @ForAll @IntRange(min = 1, max = 96) int h, @ForAll @IntRange(min = 1, max = 48) int w,
            @ForAll @IntRange(min = 1, max = 8) int p) {
        long tiles = AcceleratorModel.tiles(op.cout(), op.cin(), op.tokens(), new ArrayShape(h, w), p);
        long capacity = tiles * h * w * p;
        assertTrue(capacity >= op.macs());
        long bound = (op.cin() + p - 1) * (op.cout() + h - 1) * (op.tokens() + w - 1);
        assertTrue(capacity <= bound);
    }

    @Property(tries = 300)
    void refetchIsTheCheaperValidSchedule(@ForAll @LongRange(min = 1, max = 1L << 30) long wBytes,
                                          @ForAll @LongRange(min = 1, max = 1L << 28) long iBytes,
                                          @ForAll @LongRange(min = 1024, max = 1L << 22) long buffer) {
        Refetch r = AcceleratorModel.refetch(wBytes, iBytes, buffer);
        long traffic = r.weightFetches() * wBytes + r.inputFetches() * iBytes;
        assertTrue(traffic >= wBytes + iBytes);
        assertTrue(r.weightFetches() == 1 || r.inputFetches() == 1);
        if (wBytes <= buffer || iBytes <= buffer) {
            assertEquals(Refetch.NONE, r);
        } else {
            long weightsAgain = Math.ceilDiv(iBytes, buffer) * wBytes + iBytes;
            long inputsAgain = Math.ceilDiv(wBytes, buffer) * iBytes + wBytes;
            assertEquals(Math.min(weightsAgain, inputsAgain), traffic);
        }
    }

    @Property(tries = 100)
    void cyclesAreMaxOfComputeAndDramAndEnergyAddsUp(@ForAll("layers") LayerOp op, @ForAll("designs") Design d,
                                                     @ForAll @DoubleRange(min = 1, max = 16) double bits) {
        LayerCost c = AcceleratorModel.layer(d, d.prefillArray(), op, bits);
        long perOp = Math.max(c.computeCycles(), c.dramCycles()) / op.count();
        assertEquals(perOp * op.count(), c.cycles());
        assertEquals(AcceleratorModel.dramCycles(c.dramBytes() / op.count()) * op.count(), c.dramCycles());
        assertTrue(c.computePj() > 0 && c.sramReadPj() > 0 && c.sramWritePj() > 0 && c.dramPj() > 0);
        assertEquals(c.computePj() + c.sramReadPj() + c.sramWritePj() + c.dramPj(), c.totalPj(), 1e-9 * c.totalPj());
    }

    @Provide
    Arbitrary<ModelConfig> models() {
        Arbitrary<Integer> headDim = Arbitraries.of(16, 32, 64);
        Arbitrary<Integer> kvHeads = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> group = Arbitraries.of(1, 2, 4);
        return Combinators.combine(headDim, kvHeads, group, Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(16, 2048), Arbitraries.integers().between(0, 5000), Arbitraries.of(true, false))
                .as((hd, kv, g, layers, ffn, vocab, gated) -> new ModelConfig("rnd", null, "random", hd * kv * g, layers,
                        ffn, kv * g, kv, vocab, gated, Map.of()));
    }
}
