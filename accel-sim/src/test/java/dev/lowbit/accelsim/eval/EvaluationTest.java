package dev.lowbit.accelsim.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.accelsim.workload.ModelCatalog;
import dev.lowbit.accelsim.workload.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    private static final Evaluation ALL = Evaluation.run(ModelCatalog.paperModels(),
            List.of(Phase.DECODE, Phase.PREFILL), 256);

    @Test
    void everyPointIsThereAndFp16IsTheUnit() {
        assertEquals(2 * 6 * 4, ALL.points().size());
        for (SimPoint p : ALL.points()) {
            if (p.design().id().equals("fp16")) {
                assertEquals(1.0, p.speedupVsFp16());
                assertEquals(1.0, p.energyEfficiencyVsFp16());
            }
            assertTrue(p.result().cycles() >= p.result().computeCycles() || p.result().cycles() >= p.result().dramCycles());
            assertTrue(p.result().energyUj() > 0);
        }
    }

    @Test
    void meansAreOverTheRightPoints() {
        List<MeanRatio> m = ALL.bitmodMeans();
        assertEquals(2 * 2 * 3, m.size()); // speedup/energy × ant/olive × decode/prefill/all
        for (MeanRatio r : m) {
            assertEquals(r.scope().equals("all") ? 12 : 6, r.points());
            assertTrue(r.geometric() <= r.arithmetic() + 1e-12, "AM-GM");
        }
        MeanRatio antDecode = m.stream().filter(r -> r.metric().equals("speedup") && r.baseline().equals("ant")
                && r.scope().equals("decode")).findFirst().orElseThrow();
        double s = 0;
        for (var model : ModelCatalog.paperModels()) {
            s += (double) ALL.find(Phase.DECODE, model.id(), "ant").orElseThrow().result().cycles()
                    / ALL.find(Phase.DECODE, model.id(), "bitmod").orElseThrow().result().cycles();
        }
        assertEquals(s / 6, antDecode.arithmetic(), 1e-12);
        assertEquals(1.69, antDecode.paper());
    }

    @Test
    void csvHasTheExactHeaderAndOneLinePerPoint() {
        String[] lines = SimReport.csv(ALL).split("\n");
        assertEquals("mode,model,design,cycles,energy_uj,speedup_vs_fp16", lines[0]);
        assertEquals(49, lines.length);
        assertTrue(lines[1].startsWith("decode,opt-1.3b,fp16,"), lines[1]);
        assertTrue(lines[48].startsWith("prefill,llama-3-8b,bitmod,"), lines[48]);
        for (int k = 1; k < lines.length; k++) {
            assertEquals(6, lines[k].split(",").length);
        }
    }

    @Test
    void tableAndJsonCarryTheSummary() {
        assertTrue(SimReport.table(ALL).contains("1.69x"));
        String json = SimReport.json(ALL);
        assertTrue(json.contains("\"bitmod_means\""));
        assertEquals(48, json.split("\"design\"").length - 1);
    }

    @Test
    void means() {
        assertEquals(2.0, Evaluation.geometricMean(List.of(1.0, 4.0)), 1e-12);
        assertEquals(2.5, Evaluation.arithmeticMean(List.of(1.0, 4.0)), 1e-12);
    }
}
