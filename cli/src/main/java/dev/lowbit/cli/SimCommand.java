package dev.lowbit.cli;

import dev.lowbit.accelsim.array.TileCheck;
import dev.lowbit.accelsim.eval.Evaluation;
import dev.lowbit.accelsim.eval.SimReport;
import dev.lowbit.accelsim.model.Designs;
import dev.lowbit.accelsim.model.LatencyRule;
import dev.lowbit.accelsim.workload.ModelCatalog;
import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.ModelFile;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.accelsim.workload.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit sim}: the analytical BitMoD / ANT / OliVe / FP16 accelerator model over LLM
 * workloads, as a table, CSV or JSON, with an optional chart.
 */
@Command(name = "sim", header = "Accelerator model: BitMoD vs ANT, OliVe, FP16 on six LLMs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run the analytical accelerator model (FP16 baseline, ANT, OliVe, BitMoD) over LLM workloads: "
                + "cycles, latency, energy split, speed-up and energy efficiency vs FP16, and BitMoD's mean speed-up "
                + "over ANT and OliVe beside the paper's 1.69x / 1.48x.")
final class SimCommand implements Callable<Integer> {
    enum Mode { decode, prefill, both }

    enum Format { table, csv, json }

    @Option(names = "--mode", defaultValue = "both", description = "decode, prefill or both (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--models", split = ",", paramLabel = "MODEL",
            description = "Comma-separated models: opt-1.3b, phi-2, yi-6b, llama-2-7b, llama-2-13b, llama-3-8b, "
                    + "or names from --models-file (default: the six, or the file's models).")
    List<String> models;

    @Option(names = "--models-file", paramLabel = "FILE",
            description = "JSON file of user-defined models (Hugging Face config.json field names plus \"name\").")
    Path modelsFile;

    @Option(names = "--context", defaultValue = "256", description = "Context length in tokens (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--latency-rule", defaultValue = "pe", paramLabel = "pe|authors",
            description = "Bit-serial cycles per weight: pe = floor(floor(bits)/2), as the bit-accurate PE model "
                    + "(default); authors = ceil(floor(bits)/2), as the released BitMoD simulator.")
    String latencyRule;

    @Option(names = "--layers", description = "With --format table: also print every point's per-layer breakdown.")
    boolean layers;

    @Option(names = "--emulate", paramLabel = "COUTxCIN[xT]",
            description = "Instead of the model: run one random layer on the cycle-level BitMoD PE-array emulation "
                    + "(3-bit on 64x16 for decode, 4-bit on 32x32 for prefill) and compare it with the reference GEMV "
                    + "and the analytical cycle count, e.g. 256x512x1.")
    String emulate;

    @Option(names = "--chart", paramLabel = "OUT.png", description = "Also write grouped-bar charts (PNG) to this file.")
    Path chart;

    @Override
    public Integer call() throws Exception {
        if (emulate != null) {
            return emulate();
        }
        Evaluation e = Evaluation.run(selectedModels(), phases(), Designs.all(), context, LatencyRule.parse(latencyRule));
        switch (format) {
            case table -> {
                if (layers) {
                    System.out.print(SimReport.layers(e));
                }
                System.out.print(SimReport.table(e));
            }
            case json -> System.out.print(SimReport.json(e));
            case csv -> {
                System.out.print(SimReport.csv(e));
                System.err.print(SimReport.summary(e)); // stdout stays pure CSV
            }
        }
        if (chart != null) {
            SimChart.write(e, chart);
            System.err.println("chart written to " + chart);
        }
        return 0;
    }

    private int emulate() {
        String[] parts = emulate.toLowerCase(java.util.Locale.ROOT).split("x");
        int[] dims = new int[3];
        dims[2] = 1;
        try {
            if (parts.length < 2 || parts.length > 3) {
                throw new NumberFormatException();
            }
            for (int k = 0; k < parts.length; k++) {
                dims[k] = Integer.parseInt(parts[k].strip());
            }
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("--emulate: expected COUTxCIN or COUTxCINxT (e.g. 256x512x1), found '" + emulate + "'");
        }
        boolean ok = true;
        for (Phase p : phases()) {
            TileCheck c = TileCheck.run(p, dims[0], dims[1], dims[2], 42);
            System.out.printf(java.util.Locale.ROOT,
                    "%s: BitMoD %d-bit weights x INT8 activations, [%d x %d] x %d tokens on %s PEs (p = 4)%n"
                            + "  cycles: emulated %d, analytical model %d (%s)%n"
                            + "  outputs vs reference GEMV: max |diff| = %s (%s)%n"
                            + "  outputs vs FP32 GEMV of the unquantized operands: relative RMS error %.4f (quantization)%n",
                    p.id(), c.bits(), c.cout(), c.cin(), c.tokens(), c.array(), c.emulatedCycles(), c.analyticalCycles(),
                    c.emulatedCycles() == c.analyticalCycles() ? "equal" : "DIFFERENT", c.maxAbsDiff(),
                    c.maxAbsDiff() == 0 ? "bit-exact" : "NOT bit-exact", c.relRmsVsFloat());
            ok &= c.emulatedCycles() == c.analyticalCycles() && c.maxAbsDiff() == 0;
        }
        return ok ? 0 : 1;
    }

    private List<Phase> phases() {
        return switch (mode) {
            case decode -> List.of(Phase.DECODE);
            case prefill -> List.of(Phase.PREFILL);
            case both -> List.of(Phase.DECODE, Phase.PREFILL);
        };
    }

    private List<ModelConfig> selectedModels() throws java.io.IOException {
        if (context <= 0) {
            throw new IllegalArgumentException("--context: expected a positive token count, found " + context);
        }
        Map<String, ModelConfig> fromFile = new LinkedHashMap<>();
        if (modelsFile != null) {
            for (ModelConfig m : ModelFile.read(modelsFile)) {
                fromFile.put(m.id().toLowerCase(java.util.Locale.ROOT), m);
            }
        }
        if (models == null || models.isEmpty()) {
            return fromFile.isEmpty() ? ModelCatalog.paperModels() : List.copyOf(fromFile.values());
        }
        List<ModelConfig> out = new ArrayList<>();
        for (String name : models) {
            ModelConfig m = fromFile.get(name.strip().toLowerCase(java.util.Locale.ROOT));
            ModelConfig chosen = m != null ? m : ModelCatalog.byName(name);
            if (out.stream().noneMatch(o -> o.id().equals(chosen.id()))) { // a model named twice counts once
                out.add(chosen);
            }
        }
        Workload.of(out.get(0), Phase.DECODE, context); // validates the context early with the model's message
        return out;
    }
}
