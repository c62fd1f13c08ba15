package dev.lowbit.accelsim.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.accelsim.workload.LayerOp;
import dev.lowbit.accelsim.workload.ModelCatalog;
import dev.lowbit.accelsim.workload.OpKind;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.accelsim.workload.Workload;
import org.junit.jupiter.api.Test;

/** The model's formulas on cases computed by hand (numbers in the comments). */
class AcceleratorModelTest {

    @Test
    void tilesAreProductOfCeilings() {
        // ceil(10/4)=3 along cin, ceil(100/8)=13 along cout, ceil(5/4)=2 along tokens
        assertEquals(3 * 13 * 2, AcceleratorModel.tiles(100, 10, 5, new ArrayShape(8, 4), 4));
        // exact fit: 64/64 · 4096/4 · 1/16 -> 1 · 1024 · 1
        assertEquals(1024, AcceleratorModel.tiles(64, 4096, 1, new ArrayShape(64, 16), 4));
        assertEquals(1, AcceleratorModel.tiles(1, 1, 1, new ArrayShape(64, 16), 4));
    }

    @Test
    void bitSerialLatencyIsTwoBitsPerCycle() {
        assertEquals(1, AcceleratorModel.tileLatency(true, 3.0625)); // sign apart: 2 magnitude bits, one cycle
        assertEquals(2, AcceleratorModel.tileLatency(true, 4.0625));
        assertEquals(2, AcceleratorModel.tileLatency(true, 5.25));
        assertEquals(3, AcceleratorModel.tileLatency(true, 6.0625)); // the paper's lossless INT6 point
        assertEquals(8, AcceleratorModel.tileLatency(true, 16)); // 16-bit attention operands
        assertEquals(1, AcceleratorModel.tileLatency(true, 1));
        assertEquals(1, AcceleratorModel.tileLatency(true, 0.5));
        // the released simulator: ceil(floor(b)/2)
        assertEquals(2, AcceleratorModel.tileLatency(true, 3.0625, LatencyRule.AUTHORS));
        assertEquals(2, AcceleratorModel.tileLatency(true, 4.0625, LatencyRule.AUTHORS));
        assertEquals(3, AcceleratorModel.tileLatency(true, 5.25, LatencyRule.AUTHORS));
        assertEquals(8, AcceleratorModel.tileLatency(true, 16, LatencyRule.AUTHORS));
        assertEquals(1, AcceleratorModel.tileLatency(false, 3.0625, LatencyRule.AUTHORS));
        assertEquals(1, AcceleratorModel.tileLatency(false, 16));
        assertEquals(1, AcceleratorModel.tileLatency(false, 3.5));
        assertThrows(IllegalArgumentException.class, () -> AcceleratorModel.tileLatency(true, 0));
    }

    @Test
    void operandBytesPadEachRowToBytes() {
        assertEquals(1568L * 4096, AcceleratorModel.operandBytes(4096, 4096, 3.0625)); // 4096·3.0625/8 = 1568
        assertEquals(2L * 3, AcceleratorModel.operandBytes(3, 3, 4)); // 12 bits -> 2 bytes a row
        assertEquals(2L * 256 * 128, AcceleratorModel.operandBytes(256, 128, 16));
    }

    @Test
    void dramCyclesUse256BitsPerCycle() {
        assertEquals(0, AcceleratorModel.dramCycles(0));
        assertEquals(1, AcceleratorModel.dramCycles(32));
        assertEquals(2, AcceleratorModel.dramCycles(33));
        assertEquals(201_216, AcceleratorModel.dramCycles(6_438_912));
    }

    @Test
    void refetchOnlyWhenNeitherOperandFits() {
        long kb = 1024;
        long buf = 512 * kb;
        assertEquals(Refetch.NONE, AcceleratorModel.refetch(1024 * kb, 300 * kb, buf));
        assertEquals(Refetch.NONE, AcceleratorModel.refetch(100 * kb, 9000 * kb, buf));
        // W = 2 MB (4 buffers), I = 1 MB (2 buffers): weights twice = 2·2+1 = 5 MB; inputs 4 times = 4·1+2 = 6 MB
        assertEquals(new Refetch(2, 1), AcceleratorModel.refetch(2048 * kb, 1024 * kb, buf));
        // W = 1 MB (2 buffers), I = 4 MB (8 buffers): weights 8 times = 8+4 = 12 MB; inputs twice = 8+1 = 9 MB
        assertEquals(new Refetch(1, 2), AcceleratorModel.refetch(1024 * kb, 4096 * kb, buf));
    }

    @Test
    void llama2qProjDecodeOnBitmodByHand() {
        LayerOp q = new LayerOp("q_proj", OpKind.LINEAR, 4096, 4096, 1, 1);
        LayerCost c = AcceleratorModel.layer(Designs.BITMOD, Designs.BITMOD.decodeArray(), q, 3.0625);
        // tiles: 4096/4 · 4096/64 · 1/16 -> 1024 · 64 · 1
        assertEquals(65_536, c.tiles());
        assertEquals(1, c.tileLatency());
        assertEquals(65_536, c.computeCycles());
        // bytes: weights 1568·4096 = 6,422,528 + input 4096·2 + output 4096·2 = 6,438,912
        assertEquals(6_438_912, c.dramBytes());
        assertEquals(201_216, c.dramCycles());
        assertEquals(201_216, c.cycles());
        assertTrue(c.memoryBound());
        // energy: PE 0.56 pJ · 1.5 · 1024 PEs · 65536 cycles; DRAM 18.75 pJ/bit
        assertEquals(0.56 * 1.5 * 1024 * 65_536, c.computePj(), 1e-3);
        // the released simulator's rule doubles the compute, still under the DRAM time
        LayerCost authors = AcceleratorModel.layer(Designs.BITMOD, Designs.BITMOD.decodeArray(), q, 3.0625, LatencyRule.AUTHORS);
        assertEquals(131_072, authors.computeCycles());
        assertEquals(201_216, authors.cycles());
        assertEquals(6_438_912 * 8 * 18.75, c.dramPj(), 1e-3);
        double bit = SramEnergyTable.bufferPicojoulesPerBit();
        // reads per tile: 64 rows · 4 weights · 3.0625 bits + 16 cols · 4 inputs · 16 bits = 784 + 1024 bits
        assertEquals(65_536 * (784.0 + 1024.0) * bit, c.sramReadPj(), 1e-3);
        // writes (64-bit words): weights 196·4096, input 1024·1, output 1024·1
        assertEquals((196.0 * 4096 + 1024 + 1024) * 64 * bit, c.sramWritePj(), 1e-3);
    }

    @Test
    void attentionIsSixteenBitEverywhere() {
        Workload w = Workload.of(ModelCatalog.LLAMA_2_7B, Phase.DECODE, 256);
        RunResult r = AcceleratorModel.run(Designs.BITMOD, w);
        for (LayerCost c : r.layers()) {
            if (c.op().kind().isAttention()) {
                assertEquals(16.0, c.operandBits());
                assertEquals(8, c.tileLatency());
            } else {
                assertEquals(3.0625, c.operandBits());
            }
        }
    }

    @Test
    void countMultipliesEverything() {
        LayerOp one = new LayerOp("x", OpKind.LINEAR, 300, 200, 7, 1);
        LayerOp five = new LayerOp("x", OpKind.LINEAR, 300, 200, 7, 5);
        LayerCost a = AcceleratorModel.layer(Designs.ANT, new ArrayShape(16, 4), one, 5);
        LayerCost b = AcceleratorModel.layer(Designs.ANT, new ArrayShape(16, 4), five, 5);
        assertEquals(5 * a.cycles(), b.cycles());
        assertEquals(5 * a.dramBytes(), b.dramBytes());
        assertEquals(5 * a.totalPj(), b.totalPj(), 1e-6 * b.totalPj());
    }

    @Test
    void sramTableRowsAndInterpolation() {
        assertEquals(10.0, SramEnergyTable.picojoulesPer64Bits(8 * 1024), 1e-12);
        assertEquals(20.0, SramEnergyTable.picojoulesPer64Bits(32 * 1024), 1e-12);
        assertEquals(100.0, SramEnergyTable.picojoulesPer64Bits(1024 * 1024), 1e-9);
        assertEquals(10.0, SramEnergyTable.picojoulesPer64Bits(1024), 1e-12); // clamped below
        // 64 KB: one of five doublings from 32 KB to 1 MB -> 20 · 5^(1/5)
        assertEquals(20 * Math.pow(5, 0.2), SramEnergyTable.picojoulesPer64Bits(64 * 1024), 1e-9);
        assertEquals(20 * Math.pow(5, 0.2) / 64, SramEnergyTable.bufferPicojoulesPerBit(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SramEnergyTable.picojoulesPer64Bits(0));
    }

    @Test
    void publishedPrecisions() {
        assertEquals(5.25, Designs.ANT.weightBits(ModelCatalog.YI_6B, Phase.DECODE));
        assertEquals(4.5, Designs.ANT.weightBits(ModelCatalog.LLAMA_3_8B, Phase.DECODE));
        assertEquals(5.5, Designs.ANT.weightBits(ModelCatalog.LLAMA_3_8B, Phase.PREFILL));
        assertEquals(3.875, Designs.OLIVE.weightBits(ModelCatalog.OPT_1_3B, Phase.DECODE));
        assertEquals(3.5, Designs.OLIVE.weightBits(ModelCatalog.LLAMA_3_8B, Phase.DECODE));
        assertEquals(4.5, Designs.OLIVE.weightBits(ModelCatalog.PHI_2, Phase.PREFILL));
        assertEquals(3.0625, Designs.BITMOD.weightBits(ModelCatalog.PHI_2, Phase.DECODE));
        assertEquals(4.0625, Designs.BITMOD.weightBits(ModelCatalog.PHI_2, Phase.PREFILL));
        assertEquals(16.0, Designs.FP16.weightBits(ModelCatalog.PHI_2, Phase.PREFILL));
        assertEquals(Designs.OLIVE, Designs.byId("OliVe"));
        assertThrows(IllegalArgumentException.class, () -> Designs.byId("tpu"));
    }
}
