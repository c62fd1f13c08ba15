package dev.lowbit.cli;

import dev.lowbit.accelsim.eval.Evaluation;
import dev.lowbit.accelsim.workload.ModelCatalog;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.kernels.VectorShapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit demo}: the main job, end to end on this machine — a quantized video-LLM KV cache
 * with fused attention, BitMoD weights with low-bit GEMV, the accelerator model — printed and
 * written to {@code lowbit-report/} (Markdown summary and three PNG charts).
 */
@Command(name = "demo", header = "Run the end-to-end demo and write lowbit-report/", description = "The main job: KV cache (KIVI-2, VidKV) + fused attention, BitMoD weights + GEMV, accelerator model; writes lowbit-report/.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Small shapes (about 2k tokens, 1024x1024 weights): for CI.")
    boolean quick;

    @Option(names = "--out", defaultValue = "lowbit-report", description = "Report directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", description = "Kernel threads (default: all available processors).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t <= 0) {
            throw new IllegalArgumentException("--threads: expected >= 1, found " + t);
        }
        long t0 = System.nanoTime();
        String machine = machine(t);
        System.out.println("lowbit demo — " + machine);
        Progress p = new Progress(System.out, 4);

        p.step("KV cache: synthetic video-LLM layer, KIVI-2 and VidKV, fused decode attention vs FP32");
        // 112 frames x 144 visual tokens + 96 text tokens = 16224 tokens (quick: 2112)
        KvDemo.Result kv = KvDemo.run(quick ? 14 : 112, quick ? 2 : 4, t, seed, p);
        System.out.println();
        System.out.print(DemoReport.kvTable(kv));

        p.step("Weights: BitMoD vs baselines, and low-bit GEMV vs FP32");
        int n = quick ? 1024 : 4096;
        WeightsDemo.Result w = WeightsDemo.run(n, n, t, seed, p);
        System.out.println();
        System.out.print(DemoReport.weightsTable(w));
        System.out.println("BitMoD (4-bit) datatypes chosen: " + w.bitmodTypes());
        System.out.println();
        System.out.print(DemoReport.gemvTable(w));

        p.step("Accelerator model: BitMoD vs ANT, OliVe and FP16 on six LLMs (context 256)");
        Evaluation accel = p.task("running the analytical model (decode and prefill)",
                () -> Evaluation.run(ModelCatalog.paperModels(), List.of(Phase.DECODE, Phase.PREFILL), 256));
        System.out.println();
        System.out.print(DemoReport.accelTable(accel));

        p.step("Report");
        p.task("writing " + out + "/ (summary.md and three charts)", () -> {
            try {
                DemoReport.write(out, machine, kv, w, accel);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        System.out.printf(Locale.ROOT, "%nDone in %.0f s. Report: %s%n", (System.nanoTime() - t0) / 1e9, out.resolve("summary.md"));
        System.out.println("Timings above are quick medians; JMH figures: ./lowbit bench");
        return 0;
    }

    /** CPU model, cores, JDK and vector shape: what every figure must be quoted with. */
    static String machine(int threads) {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep "unknown CPU"
        }
        return String.format(Locale.ROOT, "%s, %d cores, %d thread(s), Java %s, %s vectors", cpu,
                Runtime.getRuntime().availableProcessors(), threads, Runtime.version(), VectorShapes.describe());
    }
}
