package dev.lowbit.cli;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.io.PackedFile;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lowbit quantize}: a rank-2 {@code .npy} into a packed file. */
@Command(name = "quantize", header = "Pack a rank-2 .npy tensor into a lowbit file", description = "Quantize a rank-2 .npy tensor into a packed lowbit file.")
final class QuantizeCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "Input .npy (float32 or float16, rank 2).")
    Path in;

    @Option(names = "--format", required = true, description = "int1, ternary2, ternary_b3, int2, bitmod3 or bitmod4 (BitMoD: use --axis token --group-size 128).")
    String format;

    @Option(names = "--group-size", defaultValue = "32", description = "Group size G (default ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--axis", defaultValue = "channel", description = "channel (groups of G rows) or token (groups of G columns).")
    String axis;

    @Option(names = "--out", required = true, description = "Output packed file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PackedFormat f = PackedFormat.parse(format);
        GroupAxis a = GroupAxis.parse(axis);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Npy.read(in, arena);
            if (t.rank() != 2) {
                throw new IllegalArgumentException(in + ": expected a rank-2 tensor [rows, cols], found shape "
                        + java.util.Arrays.toString(t.shape()));
            }
            QuantizedTensor q = QuantizedTensor.quantize(t, f, a, groupSize, arena);
            PackedFile.write(q, out);
            System.out.printf("wrote %s: %s %dx%d, %s groups of %d, payload %.3f bits, honest %.3f bits per element%n",
                    out, f.name(), q.rows(), q.cols(), a.name().toLowerCase(), groupSize,
                    q.payloadBitsPerElement(), q.bitsPerElement());
        }
        return 0;
    }
}
