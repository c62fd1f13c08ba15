package dev.lowbit.propertytests.accel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.accelsim.array.BitModMatrix;
import dev.lowbit.accelsim.array.Int8Activations;
import dev.lowbit.accelsim.array.PeArrayEmulator;
import dev.lowbit.accelsim.model.AcceleratorModel;
import dev.lowbit.accelsim.model.ArrayShape;
import dev.lowbit.accelsim.model.Designs;
import dev.lowbit.accelsim.model.LatencyRule;
import dev.lowbit.accelsim.model.LayerCost;
import dev.lowbit.accelsim.pe.BitSerialPe;
import dev.lowbit.accelsim.workload.LayerOp;
import dev.lowbit.accelsim.workload.OpKind;
import dev.lowbit.packing.bitmod.BitModQuantizer;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.testsupport.Gens;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The cycle-level PE-array emulation (bit-accurate BitSerialPe in every PE) against the plain
 * reference GEMM and the analytical model, over random small layers, arrays and group sizes.
 */
class PeArrayEmulationProperties {

    private static float[] randomMatrix(Random r, int n, boolean extremes) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(12) - 6));
            if (extremes && r.nextInt(16) == 0) {
                x[i] = r.nextBoolean() ? 0f : (r.nextBoolean() ? 60000f : -60000f);
            }
        }
        return x;
    }

    record PaperCase(int bits, int cout, int cin, int tokens, int h, int w, int lanesLog, int groupMul, boolean extremes,
                     long seed) {}

    @Test
    void paperDatatypesMatchReferenceAndAnalyticalCycles() {
        Gen<Integer> bitss = Gens.ints(3, 4);
        Gen<Integer> couts = Gens.ints(1, 70);
        Gen<Integer> cins = Gens.ints(1, 150);
        Gen<Integer> tokenss = Gens.ints(1, 9);
        Gen<Integer> hs = Gens.ints(1, 16);
        Gen<Integer> ws = Gens.ints(1, 8);
        Gen<Integer> lanesLogs = Gens.ints(0, 3);
        Gen<Integer> groupMuls = Gens.ints(0, 3);
        Gen<Boolean> extremess = Gens.booleans();
        Gen<Long> seeds = Gens.seeds();
        Gen<PaperCase> cases = in -> new PaperCase(bitss.generate(in), couts.generate(in), cins.generate(in),
                tokenss.generate(in), hs.generate(in), ws.generate(in), lanesLogs.generate(in), groupMuls.generate(in),
                extremess.generate(in), seeds.generate(in));
        qt().withExamples(80).forAll(cases).checkAssert(c -> paperDatatypesMatch(c.bits, c.cout, c.cin, c.tokens, c.h, c.w,
                c.lanesLog, c.groupMul, c.extremes, c.seed));
    }

    private static void paperDatatypesMatch(int bits, int cout, int cin, int tokens, int h, int w, int lanesLog,
                                            int groupMul, boolean extremes, long seed) {
        int lanes = 1 << lanesLog;
        int group = lanes * (1 << groupMul) * (lanes == 1 ? 3 : 1); // any multiple of the lanes, incl. odd ones for p = 1
        Random r = new Random(seed);
        BitModMatrix m = BitModMatrix.quantize(randomMatrix(r, cout * cin, extremes), cout, cin, group,
                BitModQuantizer.forBits(bits));
        Int8Activations x = Int8Activations.quantize(randomMatrix(r, tokens * cin, extremes), tokens, cin);
        ArrayShape shape = new ArrayShape(h, w);
        PeArrayEmulator.Result res = new PeArrayEmulator(shape, lanes).run(m, x);

        assertArrayEquals(PeArrayEmulator.referenceGemm(m, x), res.out(), 0f);
        var design = new dev.lowbit.accelsim.model.Design("bitmod", "BitMoD", true, lanes, shape, shape,
                Designs.BITMOD.peEnergyPj(), Designs.BITMOD.peAreaUm2(), java.util.Map.of(), bits + 0.0625,
                java.util.Map.of(), bits + 0.0625, "test");
        LayerCost c = AcceleratorModel.layer(design, shape, new LayerOp("t", OpKind.LINEAR, cout, cin, tokens, 1),
                bits + 0.0625);
        assertEquals(c.computeCycles(), res.cycles());
        assertEquals(c.tiles(), res.tiles());
    }

    record SingleTypeCase(BitModType type, int cout, int cin, int tokens, int h, int w, long seed) {}

    @Test
    void anySingleDatatypeTakesItsPeCyclesPerWeight() {
        Gen<BitModType> types = Gens.enums(BitModType.class);
        Gen<Integer> couts = Gens.ints(1, 40);
        Gen<Integer> cins = Gens.ints(1, 100);
        Gen<Integer> tokenss = Gens.ints(1, 5);
        Gen<Integer> hs = Gens.ints(1, 8);
        Gen<Integer> ws = Gens.ints(1, 4);
        Gen<Long> seeds = Gens.seeds();
        Gen<SingleTypeCase> cases = in -> new SingleTypeCase(types.generate(in), couts.generate(in), cins.generate(in),
                tokenss.generate(in), hs.generate(in), ws.generate(in), seeds.generate(in));
        qt().withExamples(60).forAll(cases).checkAssert(c -> singleDatatype(c.type, c.cout, c.cin, c.tokens, c.h, c.w, c.seed));
    }

    private static void singleDatatype(BitModType type, int cout, int cin, int tokens, int h, int w, long seed) {
        Random r = new Random(seed);
        BitModMatrix m = BitModMatrix.quantize(randomMatrix(r, cout * cin, false), cout, cin, 8, new BitModQuantizer(type));
        Int8Activations x = Int8Activations.quantize(randomMatrix(r, tokens * cin, false), tokens, cin);
        PeArrayEmulator.Result res = new PeArrayEmulator(new ArrayShape(h, w), 4).run(m, x);
        long tiles = AcceleratorModel.tiles(cout, cin, tokens, new ArrayShape(h, w), 4);
        assertEquals(tiles * BitSerialPe.cyclesPerWeight(type), res.cycles());
        assertArrayEquals(PeArrayEmulator.referenceGemm(m, x), res.out(), 0f);
        // the analytical PE rule is exact for every type whose mantissa fits in b−1 bits, else the emulation is slower
        int analytical = LatencyRule.PE.cycles(type.bits());
        assertTrue(BitSerialPe.cyclesPerWeight(type) >= analytical);
    }

    @Test
    void analyticalLatencyIsThePesForThePaperCandidates() {
        for (BitModType t : BitModType.BITMOD3_CANDIDATES) {
            assertEquals(BitSerialPe.cyclesPerWeight(t), AcceleratorModel.tileLatency(true, 3.0625));
        }
        for (BitModType t : BitModType.BITMOD4_CANDIDATES) {
            assertEquals(BitSerialPe.cyclesPerWeight(t), AcceleratorModel.tileLatency(true, 4.0625));
        }
    }
}
