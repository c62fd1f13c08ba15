package dev.lowbit.propertytests.reliability;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.io.PackedFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Regenerates the checked-in seed corpora of the fuzz tests (skipped unless asked):
 * {@code mvn test -pl property-tests -am -Dtest=SeedCorpusWriterTest -Dlowbit.seeds=property-tests/src/test/resources}.
 * Seeds are small valid inputs of every kind, so fuzzing and regression runs start from files
 * that pass the checksums.
 */
@EnabledIfSystemProperty(named = "lowbit.seeds", matches = ".+")
class SeedCorpusWriterTest {
    private static final String PKG = "dev/lowbit/propertytests/reliability/";

    @Test
    void writeSeeds() throws IOException {
        Path root = Path.of(System.getProperty("lowbit.seeds")).toAbsolutePath();
        Path pf = Files.createDirectories(root.resolve(PKG + "PackedFileFuzzTestInputs/packedFile"));
        Path pfc = Files.createDirectories(root.resolve(PKG + "PackedFileFuzzTestInputs/packedFileWithValidChecksums"));
        Path npy = Files.createDirectories(root.resolve(PKG + "NpyFuzzTestInputs/npy"));
        Path dec = Files.createDirectories(root.resolve(PKG + "CodecFuzzTestInputs/decode"));
        Path qua = Files.createDirectories(root.resolve(PKG + "CodecFuzzTestInputs/quantize"));
        Random rnd = new Random(2026);
        try (Arena arena = Arena.ofConfined()) {
            int[][] shapes = {{5, 3, 4}, {33, 2, 32}, {3, 11, 8}, {0, 4, 32}};
            for (PackedFormat f : PackedFormat.values()) {
                for (GroupAxis a : GroupAxis.values()) {
                    for (int[] s : shapes) {
                        Tensor t = LifetimeTest.random(arena, s[0], s[1], rnd.nextLong());
                        String name = f.name().toLowerCase() + "-" + a.name().toLowerCase() + "-" + s[0] + "x" + s[1] + "-g" + s[2];
                        Path p = pf.resolve(name);
                        PackedFile.write(QuantizedTensor.quantize(t, f, a, Groups.fit(f, s[2]), arena), p);
                        Files.copy(p, pfc.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            long[][] npyShapes = {{3, 4}, {7}, {}, {2, 3, 2}, {0, 5}};
            for (DType dt : DType.values()) {
                for (long[] s : npyShapes) {
                    Tensor t = Tensor.allocate(arena, dt, s);
                    for (long i = 0; i < t.elementCount(); i++) {
                        t.setFlat(i, (float) rnd.nextGaussian());
                    }
                    Npy.write(t, npy.resolve(dt.name().toLowerCase() + "-" + Arrays.toString(s).replaceAll("[^0-9,]", "").replace(',', 'x')));
                }
            }
            // a version 2.0 header, written by hand
            String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
            String header = dict + " ".repeat((64 - (12 + dict.length() + 1) % 64) % 64) + "\n";
            byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
            byte[] v2 = new byte[12 + h.length + 16];
            byte[] pre = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) h.length, (byte) (h.length >> 8), 0, 0};
            System.arraycopy(pre, 0, v2, 0, 12);
            System.arraycopy(h, 0, v2, 12, h.length);
            Files.write(npy.resolve("f32-v2-2x2"), v2);
        }
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[rnd.nextInt(8, 600)];
            rnd.nextBytes(b);
            Files.write(dec.resolve("random-" + i), b);
            rnd.nextBytes(b);
            Files.write(qua.resolve("random-" + i), b);
        }
    }
}
