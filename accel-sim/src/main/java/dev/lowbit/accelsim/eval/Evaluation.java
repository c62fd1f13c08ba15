package dev.lowbit.accelsim.eval;

import dev.lowbit.accelsim.model.AcceleratorModel;
import dev.lowbit.accelsim.model.Design;
import dev.lowbit.accelsim.model.Designs;
import dev.lowbit.accelsim.model.LatencyRule;
import dev.lowbit.accelsim.model.RunResult;
import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.accelsim.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every design over every model and phase, with speed-ups against the FP16 baseline and BitMoD's
 * mean speed-up over ANT and OliVe beside the paper's.
 */
public final class Evaluation {
    /** BitMoD's average speed-up over ANT quoted in the paper's abstract (arXiv 2411.11745). */
    public static final double PAPER_SPEEDUP_VS_ANT = 1.69;
    /** BitMoD's average speed-up over OliVe quoted in the paper's abstract. */
    public static final double PAPER_SPEEDUP_VS_OLIVE = 1.48;

    private final List<SimPoint> points;
    private final List<Phase> phases;
    private final List<ModelConfig> models;
    private final int context;
    private final LatencyRule rule;

    private Evaluation(List<SimPoint> points, List<Phase> phases, List<ModelConfig> models, int context, LatencyRule rule) {
        this.points = List.copyOf(points);
        this.phases = List.copyOf(phases);
        this.models = List.copyOf(models);
        this.context = context;
        this.rule = rule;
    }

    /** Runs the four published designs over {@code models} in {@code phases}. */
    public static Evaluation run(List<ModelConfig> models, List<Phase> phases, int context) {
        return run(models, phases, Designs.all(), context, LatencyRule.PE);
    }

    /**
     * Runs {@code designs} (which must include {@code fp16}, the reference) over {@code models} in
     * {@code phases}, each on its published array, with bit-serial latencies from {@code rule}.
     */
    public static Evaluation run(List<ModelConfig> models, List<Phase> phases, List<Design> designs, int context,
                                 LatencyRule rule) {
        if (models.isEmpty() || phases.isEmpty()) {
            throw new IllegalArgumentException("models/phases: expected at least one of each, found "
                    + models.size() + " models and " + phases.size() + " phases");
        }
        Design fp16 = designs.stream().filter(d -> d.id().equals("fp16")).findFirst().orElseThrow(
                () -> new IllegalArgumentException("designs: expected the fp16 baseline among them"));
        List<SimPoint> out = new ArrayList<>();
        for (Phase phase : phases) {
            for (ModelConfig model : models) {
                Workload w = Workload.of(model, phase, context);
                RunResult base = AcceleratorModel.run(fp16, w, fp16.array(phase), rule);
                for (Design d : designs) {
                    RunResult r = d == fp16 ? base : AcceleratorModel.run(d, w, d.array(phase), rule);
                    out.add(new SimPoint(r, (double) base.cycles() / r.cycles(), base.energyUj() / r.energyUj()));
                }
            }
        }
        return new Evaluation(out, phases, models, context, rule);
    }

    public List<SimPoint> points() {
        return points;
    }

    public List<Phase> phases() {
        return phases;
    }

    public List<ModelConfig> models() {
        return models;
    }

    public int context() {
        return context;
    }

    /** The bit-serial latency rule used. */
    public LatencyRule latencyRule() {
        return rule;
    }

    /** The point of one phase, model and design. */
    public Optional<SimPoint> find(Phase phase, String modelId, String designId) {
        return points.stream().filter(p -> p.phase() == phase && p.model().id().equals(modelId)
                && p.design().id().equals(designId)).findFirst();
    }

    /**
     * BitMoD's mean speed-up (and energy saving) over ANT and over OliVe, per phase and over all
     * points, geometric and arithmetic; empty when BitMoD, ANT or OliVe were not run.
     */
    public List<MeanRatio> bitmodMeans() {
        List<MeanRatio> out = new ArrayList<>();
        for (String metric : List.of("speedup", "energy")) {
            for (String baseline : List.of("ant", "olive")) {
                double paper = !metric.equals("speedup") ? Double.NaN
                        : baseline.equals("ant") ? PAPER_SPEEDUP_VS_ANT : PAPER_SPEEDUP_VS_OLIVE;
                List<List<Phase>> scopes = new ArrayList<>();
                for (Phase p : phases) {
                    scopes.add(List.of(p));
                }
                if (phases.size() > 1) {
                    scopes.add(phases);
                }
                for (List<Phase> scope : scopes) {
                    List<Double> ratios = new ArrayList<>();
                    for (Phase p : scope) {
                        for (ModelConfig m : models) {
                            Optional<SimPoint> b = find(p, m.id(), "bitmod");
                            Optional<SimPoint> o = find(p, m.id(), baseline);
                            if (b.isEmpty() || o.isEmpty()) {
                                continue;
                            }
                            RunResult rb = b.get().result();
                            RunResult ro = o.get().result();
                            ratios.add(metric.equals("speedup") ? (double) ro.cycles() / rb.cycles()
                                    : ro.energyUj() / rb.energyUj());
                        }
                    }
                    if (ratios.isEmpty()) {
                        continue;
                    }
                    String name = scope.size() == 1 ? scope.get(0).id() : "all";
                    out.add(new MeanRatio(metric, baseline, name, ratios.size(), geometricMean(ratios),
                            arithmeticMean(ratios), paper));
                }
            }
        }
        return out;
    }

    /** Geometric mean of positive values. */
    public static double geometricMean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += Math.log(x);
        }
        return Math.exp(s / xs.size());
    }

    /** Arithmetic mean. */
    public static double arithmeticMean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.size();
    }
}
