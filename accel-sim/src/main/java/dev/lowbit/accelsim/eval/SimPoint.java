package dev.lowbit.accelsim.eval;

import dev.lowbit.accelsim.model.Design;
import dev.lowbit.accelsim.model.RunResult;
import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.Phase;

/**
 * One (phase, model, design) point of an evaluation.
 *
 * @param result                  the model's output for this point
 * @param speedupVsFp16           FP16 baseline cycles / this design's cycles (same clock)
 * @param energyEfficiencyVsFp16  FP16 baseline energy / this design's energy
 */
public record SimPoint(RunResult result, double speedupVsFp16, double energyEfficiencyVsFp16) {
    public Phase phase() {
        return result.workload().phase();
    }

    public ModelConfig model() {
        return result.workload().model();
    }

    public Design design() {
        return result.design();
    }
}
