package dev.lowbit.cli;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.ErrorStats;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lowbit demo}: the main job — what lowbit does, end to end, on this machine. */
@Command(name = "demo", description = "End-to-end demo: pack a synthetic KV tensor in every format and report bits and error.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller shapes (for CI).")
    boolean quick;

    @Option(names = "--tokens", defaultValue = "4096", description = "Tokens of the synthetic key tensor (default ${DEFAULT-VALUE}).")
    int tokens;

    @Override
    public Integer call() {
        int t = quick ? 512 : tokens;
        int channels = 128;
        int g = 32;
        try (Arena arena = Arena.ofConfined()) {
            Tensor keys = syntheticKeys(arena, t, channels, 42);
            System.out.printf("Synthetic key tensor [%d tokens, %d channels] (Gaussian, 8 outlier channels x8), groups of %d tokens per channel%n%n",
                    t, channels, g);
            System.out.printf("%-11s %8s %8s %10s %10s %9s%n", "format", "payload", "honest", "max_err", "rmse", "rel_l2");
            for (PackedFormat f : new PackedFormat[] {PackedFormat.INT1, PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2}) {
                QuantizedTensor q = QuantizedTensor.quantize(keys, f, GroupAxis.CHANNEL, g, arena);
                ErrorStats e = ErrorStats.of(keys, q.dequantize(arena));
                System.out.printf("%-11s %8.3f %8.3f %10.4f %10.4f %9.4f%n", f.name().toLowerCase(),
                        q.payloadBitsPerElement(), q.bitsPerElement(), e.maxAbs(), e.rmse(), e.relL2());
            }
            System.out.println();
            System.out.println("payload = code bits per element; honest = codes + FP16 scales/zero points + padding.");
        }
        return 0;
    }

    /** Gaussian keys with a few outlier channels (the structure that makes per-channel key groups win). */
    static Tensor syntheticKeys(Arena arena, int tokens, int channels, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor k = Tensor.allocate(arena, DType.F32, tokens, channels);
        for (int c = 0; c < channels; c++) {
            double gain = c % 16 == 3 ? 8.0 : 1.0;
            double bias = rnd.nextDouble(-0.5, 0.5) * gain;
            for (int i = 0; i < tokens; i++) {
                k.set((float) (bias + gain * gaussian(rnd)), i, c);
            }
        }
        return k;
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(Double.MIN_VALUE, 1.0);
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
