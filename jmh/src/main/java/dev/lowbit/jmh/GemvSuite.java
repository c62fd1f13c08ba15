package dev.lowbit.jmh;

import dev.lowbit.kernels.gemv.Int8BitPlaneGemv;
import dev.lowbit.kernels.gemv.Int8LutGemv;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GEMV rows of {@code ./lowbit bench} ({@link GemvBenchmark}): FP32 SIMD, the table-lookup kernels
 * on BITMOD4 / BITMOD3 / TERNARY2 / INT2 and the bit-plane kernel on BITMOD4, and their int8-activation
 * counterparts ({@code *_i8}: {@link Int8LutGemv}, {@link Int8BitPlaneGemv}) (groups of 128 along
 * the input dimension), at 4096×4096, 11008×4096 and 4096×14336, 1 and 2 threads. The
 * {@code tokens} column holds the shape as {@code ROWSxCOLS}; ratios compare with gemv_fp32 at the
 * same shape and threads. {@code --quick}: 11008×4096 on one thread only.
 */
public final class GemvSuite implements BenchSuite {
    static final int GROUP = 128;

    /** CSV name → JMH method of {@link GemvBenchmark} (fp32 first: the ratio baseline). */
    static final Map<String, String> KERNELS = new LinkedHashMap<>();

    static {
        KERNELS.put("gemv_fp32", "fp32");
        KERNELS.put("gemv_bitmod4", "bitmod4");
        KERNELS.put("gemv_bitmod3", "bitmod3");
        KERNELS.put("gemv_ternary2", "ternary2");
        KERNELS.put("gemv_int2", "int2");
        KERNELS.put("gemv_bitplane4", "bitplane4");
        KERNELS.put("gemv_ternary2_i8", "ternary2I8");
        KERNELS.put("gemv_ternary_b3_i8", "ternaryB3I8");
        KERNELS.put("gemv_int2_i8", "int2I8");
        KERNELS.put("gemv_bitmod3_i8", "bitmod3I8");
        KERNELS.put("gemv_bitmod4_i8", "bitmod4I8");
        KERNELS.put("gemv_bitplane4_i8", "bitplane4I8");
    }

    @Override
    public List<BenchCase> cases(boolean quick) {
        List<BenchCase> rows = new ArrayList<>();
        List<String> shapes = quick ? List.of("11008x4096") : List.of("4096x4096", "11008x4096", "4096x14336");
        for (String shape : shapes) {
            String[] p = shape.split("x");
            long r = Long.parseLong(p[0]);
            long c = Long.parseLong(p[1]);
            for (Map.Entry<String, String> k : KERNELS.entrySet()) {
                for (int threads : quick ? new int[] {1} : new int[] {1, 2}) {
                    rows.add(new BenchCase(k.getKey(), shape, threads, "dev.lowbit.jmh.GemvBenchmark." + k.getValue(),
                            Map.of("shape", shape, "threads", Integer.toString(threads)), bytesPerOp(k.getValue(), r, c),
                            "gemv/" + shape + "/" + threads, k.getValue().equals("fp32")));
                }
            }
        }
        return rows;
    }

    /** Weight bytes one GEMV reads: F32 weights, or packed codes + per-group metadata. */
    static long bytesPerOp(String kernel, long rows, long cols) {
        return switch (kernel) {
            case "fp32" -> rows * cols * 4;
            case "bitmod4" -> packed(PackedFormat.BITMOD4, rows, cols);
            case "bitmod3" -> packed(PackedFormat.BITMOD3, rows, cols);
            case "ternary2" -> packed(PackedFormat.TERNARY2, rows, cols);
            case "int2" -> packed(PackedFormat.INT2, rows, cols);
            // six bit planes per weight plus one float scale per group (BitPlaneGemv.weightBytes, padding aside)
            case "bitplane4" -> rows * cols * 6 / 8 + rows * Math.ceilDiv(cols, GROUP) * 4;
            // int8-activation kernels read their repacked copy (Int8LutGemv / Int8BitPlaneGemv.weightBytes)
            case "ternary2I8" -> Int8LutGemv.repackedBytes(PackedFormat.TERNARY2, rows, cols, GROUP);
            case "ternaryB3I8" -> Int8LutGemv.repackedBytes(PackedFormat.TERNARY_B3, rows, cols, GROUP);
            case "int2I8" -> Int8LutGemv.repackedBytes(PackedFormat.INT2, rows, cols, GROUP);
            case "bitmod3I8" -> Int8LutGemv.repackedBytes(PackedFormat.BITMOD3, rows, cols, GROUP);
            case "bitmod4I8" -> Int8LutGemv.repackedBytes(PackedFormat.BITMOD4, rows, cols, GROUP);
            case "bitplane4I8" -> Int8BitPlaneGemv.repackedBytes(PackedFormat.BITMOD4, rows, cols, GROUP);
            default -> throw new IllegalArgumentException("unknown GEMV kernel " + kernel);
        };
    }

    private static long packed(PackedFormat f, long rows, long cols) {
        return QuantizedTensor.codeSectionBytes(f, GroupAxis.TOKEN, GROUP, rows, cols)
                + QuantizedTensor.metaSectionBytes(f, GroupAxis.TOKEN, GROUP, rows, cols);
    }
}
