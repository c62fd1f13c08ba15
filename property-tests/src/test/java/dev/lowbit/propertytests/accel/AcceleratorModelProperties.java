package dev.lowbit.propertytests.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

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
import dev.lowbit.testsupport.Gens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Monotonicity and accounting properties of the analytical accelerator model over random layers and arrays. */
class AcceleratorModelProperties {

    static final Gen<LayerOp> LAYERS = layers();
    static final Gen<Design> DESIGNS = Gens.oneOf(Designs.all()).describedAs(Design::id);

    static Gen<LayerOp> layers() {
        Gen<Long> cout = Gens.longs(1, 20_000);
        Gen<Long> cin = Gens.longs(1, 20_000);
        Gen<Long> tokens = Gens.longs(1, 600);
        Gen<Long> count = Gens.longs(1, 40);
        Gen<OpKind> kind = Gens.enums(OpKind.class);
        return in -> {
            long co = cout.generate(in);
            long ci = cin.generate(in);
            long t = tokens.generate(in);
            long n = count.generate(in);
            return new LayerOp("op", kind.generate(in), co, ci, t, n);
        };
    }

    static Gen<ModelConfig> models() {
        Gen<Integer> headDim = Gens.oneOf(16, 32, 64);
        Gen<Integer> kvHeads = Gens.ints(1, 4);
        Gen<Integer> group = Gens.oneOf(1, 2, 4);
        Gen<Integer> layers = Gens.ints(1, 4);
        Gen<Integer> ffn = Gens.ints(16, 2048);
        Gen<Integer> vocab = Gens.ints(0, 5000);
        Gen<Boolean> gated = Gens.booleans();
        return in -> {
            int hd = headDim.generate(in);
            int kv = kvHeads.generate(in);
            int g = group.generate(in);
            return new ModelConfig("rnd", null, "random", hd * kv * g, layers.generate(in), ffn.generate(in), kv * g, kv,
                    vocab.generate(in), gated.generate(in), Map.of());
        };
    }

    record Growth(LayerOp op, Design d, int h, int w, int dh, int dw, double bits) {
        @Override
        public String toString() {
            return op + " on " + d.id() + ", array " + h + "x" + w + " grown by " + dh + "x" + dw + ", " + bits + " bits";
        }
    }

    @Test
    void morePesAreNeverSlower() {
        Gen<Integer> hs = Gens.ints(1, 96);
        Gen<Integer> ws = Gens.ints(1, 48);
        Gen<Integer> dhs = Gens.ints(0, 64);
        Gen<Integer> dws = Gens.ints(0, 32);
        Gen<Double> bitss = Gens.doubles(1, 16);
        Gen<Growth> cases = in -> new Growth(LAYERS.generate(in), DESIGNS.generate(in), hs.generate(in), ws.generate(in),
                dhs.generate(in), dws.generate(in), bitss.generate(in));
        qt().withExamples(200).forAll(cases).checkAssert(c -> {
            LayerCost small = AcceleratorModel.layer(c.d, new ArrayShape(c.h, c.w), c.op, c.bits);
            LayerCost big = AcceleratorModel.layer(c.d, new ArrayShape(c.h + c.dh, c.w + c.dw), c.op, c.bits);
            assertTrue(big.cycles() <= small.cycles(), big.cycles() + " > " + small.cycles());
            assertTrue(big.computeCycles() <= small.computeCycles());
            assertEquals(small.dramBytes(), big.dramBytes()); // traffic does not depend on the array
        });
    }

    record ModelGrowth(ModelConfig m, Design d, Phase phase, int dh, int dw) {
        @Override
        public String toString() {
            return m + " on " + d.id() + ", " + phase + ", array grown by " + dh + "x" + dw;
        }
    }

    @Test
    void morePesAreNeverSlowerOnWholeModels() {
        Gen<ModelConfig> models = models();
        Gen<Phase> phases = Gens.enums(Phase.class);
        Gen<Integer> dhs = Gens.ints(0, 32);
        Gen<Integer> dws = Gens.ints(0, 16);
        Gen<ModelGrowth> cases = in -> new ModelGrowth(models.generate(in), DESIGNS.generate(in), phases.generate(in),
                dhs.generate(in), dws.generate(in));
        qt().withExamples(50).forAll(cases).checkAssert(c -> {
            Workload wl = Workload.of(c.m, c.phase, 64);
            ArrayShape a = c.d.array(c.phase);
            RunResult small = AcceleratorModel.run(c.d, wl, a);
            RunResult big = AcceleratorModel.run(c.d, wl, new ArrayShape(a.rows() + c.dh, a.cols() + c.dw));
            assertTrue(big.cycles() <= small.cycles());
        });
    }

    @Test
    void bitSerialLatencyGrowsWithBits() {
        qt().withExamples(200).forAll(Gens.doubles(0.5, 32), Gens.doubles(0, 16), Gens.enums(LatencyRule.class))
                .checkAssert((a, more, rule) -> {
                    int la = AcceleratorModel.tileLatency(true, a, rule);
                    int lb = AcceleratorModel.tileLatency(true, a + more, rule);
                    assertTrue(lb >= la);
                    // from 2 whole bits on, two more bits always cost exactly one more cycle
                    double whole = Math.max(2, Math.floor(a));
                    assertEquals(AcceleratorModel.tileLatency(true, whole, rule) + 1, AcceleratorModel.tileLatency(true, whole + 2, rule));
                    // the released simulator's rule never takes fewer cycles than the PE's
                    assertTrue(AcceleratorModel.tileLatency(true, a, LatencyRule.AUTHORS) >= AcceleratorModel.tileLatency(true, a));
                    assertEquals(1, AcceleratorModel.tileLatency(false, a + more, rule));
                });
    }

    @Test
    void moreWeightBitsAreNeverFasterOrCheaper() {
        qt().withExamples(100).forAll(LAYERS, DESIGNS, Gens.doubles(1, 16), Gens.doubles(0, 8))
                .checkAssert((op, d, bits, more) -> {
                    ArrayShape a = d.decodeArray();
                    LayerCost lo = AcceleratorModel.layer(d, a, op, bits);
                    LayerCost hi = AcceleratorModel.layer(d, a, op, bits + more);
                    assertTrue(hi.cycles() >= lo.cycles());
                    assertTrue(hi.dramBytes() >= lo.dramBytes());
                    assertTrue(hi.totalPj() >= lo.totalPj() * (1 - 1e-12));
                });
    }

    @Test
    void tilesCoverEveryMacWithLessThanOneTilePerDimensionOfWaste() {
        qt().withExamples(200).forAll(LAYERS, Gens.ints(1, 96), Gens.ints(1, 48), Gens.ints(1, 8))
                .checkAssert((op, h, w, p) -> {
                    long tiles = AcceleratorModel.tiles(op.cout(), op.cin(), op.tokens(), new ArrayShape(h, w), p);
                    long capacity = tiles * h * w * p;
                    assertTrue(capacity >= op.macs());
                    long bound = (op.cin() + p - 1) * (op.cout() + h - 1) * (op.tokens() + w - 1);
                    assertTrue(capacity <= bound);
                });
    }

    @Test
    void refetchIsTheCheaperValidSchedule() {
        qt().withExamples(300).forAll(Gens.longs(1, 1L << 30), Gens.longs(1, 1L << 28), Gens.longs(1024, 1L << 22))
                .checkAssert((wBytes, iBytes, buffer) -> {
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
                });
    }

    @Test
    void cyclesAreMaxOfComputeAndDramAndEnergyAddsUp() {
        qt().withExamples(100).forAll(LAYERS, DESIGNS, Gens.doubles(1, 16)).checkAssert((op, d, bits) -> {
            LayerCost c = AcceleratorModel.layer(d, d.prefillArray(), op, bits);
            long perOp = Math.max(c.computeCycles(), c.dramCycles()) / op.count();
            assertEquals(perOp * op.count(), c.cycles());
            assertEquals(AcceleratorModel.dramCycles(c.dramBytes() / op.count()) * op.count(), c.dramCycles());
            assertTrue(c.computePj() > 0 && c.sramReadPj() > 0 && c.sramWritePj() > 0 && c.dramPj() > 0);
            assertEquals(c.computePj() + c.sramReadPj() + c.sramWritePj() + c.dramPj(), c.totalPj(), 1e-9 * c.totalPj());
        });
    }
}
