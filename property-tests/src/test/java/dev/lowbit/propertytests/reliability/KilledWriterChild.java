package dev.lowbit.propertytests.reliability;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.PackedFile;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Child process of {@link KilledWriterTest}: rewrites one packed file in a loop, alternating
 * between version 0 and version 1, printing "start N" before and "wrote N" after each write,
 * until it is killed. Arguments: target path, rows, cols.
 */
public final class KilledWriterChild {
    private KilledWriterChild() {}

    /** Version {@code v} (0 or 1) of the tensor: the parent builds the same to compare. */
    static QuantizedTensor version(Arena arena, int rows, int cols, int v) {
        Tensor t = LifetimeTest.random(arena, rows, cols, 1000 + v);
        return QuantizedTensor.quantize(t, PackedFormat.INT2, GroupAxis.CHANNEL, 32, arena);
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        Arena arena = Arena.ofConfined();
        QuantizedTensor[] versions = {version(arena, rows, cols, 0), version(arena, rows, cols, 1)};
        for (long n = 0; ; n++) {
            System.out.println("start " + n);
            System.out.flush();
            PackedFile.write(versions[(int) (n & 1)], target);
            System.out.println("wrote " + n);
            System.out.flush();
        }
    }
}
