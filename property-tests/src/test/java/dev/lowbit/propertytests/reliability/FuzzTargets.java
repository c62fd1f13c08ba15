package dev.lowbit.propertytests.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.CorruptFileException;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.io.PackedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The fuzz targets of the Jazzer {@code @FuzzTest}s ({@code ./lowbit test} replays their
 * checked-in inputs, {@code ./lowbit fuzz} fuzzes). Each takes arbitrary input and either
 * returns normally or lets an unexpected failure escape: the only exceptions a target tolerates
 * are the documented ones ({@link CorruptFileException} for files, {@link IllegalArgumentException}
 * for bad arguments), each with a one-line message. Anything else — {@code IndexOutOfBoundsException}, an
 * {@code OutOfMemoryError}, a non-finite decoded value, a decoder disagreeing with itself — is
 * a finding.
 */
final class FuzzTargets {
    private static final Path SCRATCH;
    private static final Path SCRATCH2;

    static {
        try {
            // tmpfs when there is one: PackedFile.write forces to disk, and fsync on a real disk caps exec/s
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "lowbit-fuzz") : Files.createTempDirectory("lowbit-fuzz");
            dir.toFile().deleteOnExit();
            SCRATCH = dir.resolve("input.bin");
            SCRATCH2 = dir.resolve("rewritten.bin");
            SCRATCH.toFile().deleteOnExit();
            SCRATCH2.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FuzzTargets() {}

    static void requireOneLine(Exception e) {
        if (!Groups.oneLine(e.getMessage())) {
            throw new AssertionError("error message is not one clear line: " + e.getMessage(), e);
        }
    }

    // ---- packed files -------------------------------------------------------------------------

    /** Arbitrary bytes as a packed file, through read() and map(). */
    static void packedFile(byte[] bytes) {
        try {
            Files.write(SCRATCH, bytes);
            QuantizedTensor viaRead = null;
            try (Arena arena = Arena.ofConfined()) {
                try {
                    viaRead = PackedFile.read(SCRATCH, arena);
                } catch (CorruptFileException e) {
                    requireOneLine(e);
                }
                QuantizedTensor viaMap = null;
                try {
                    viaMap = bytes.length == 0 ? null : PackedFile.map(SCRATCH, arena);
                } catch (CorruptFileException e) {
                    requireOneLine(e);
                }
                if ((viaRead == null) != (viaMap == null)) {
                    throw new AssertionError("read() and map() disagree on whether the file is valid");
                }
                if (viaRead != null) {
                    checkAccepted(viaRead, viaMap, arena);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Arbitrary bytes with the header and section checksums recomputed first, so the fuzzer gets
     * past the CRCs into the geometry, section-table and code validation.
     */
    static void packedFileWithValidChecksums(byte[] bytes) {
        packedFile(fixChecksums(bytes));
    }

    /** Recomputes the header CRC and the CRC of every section the table points at inside the file. */
    static byte[] fixChecksums(byte[] in) {
        byte[] b = in.clone();
        int crcAt = 40 + 2 * 32;
        if (b.length < crcAt + 4) {
            return b;
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) {
            int e = 40 + 32 * i;
            long off = bb.getLong(e + 8);
            long len = bb.getLong(e + 16);
            if (off >= 0 && len >= 0 && off <= b.length && len <= b.length - off) {
                CRC32C c = new CRC32C();
                c.update(b, (int) off, (int) len);
                bb.putInt(e + 24, (int) c.getValue());
            }
        }
        CRC32C c = new CRC32C();
        c.update(b, 0, crcAt);
        bb.putInt(crcAt, (int) c.getValue());
        return b;
    }

    /** An accepted file: both views decode to the same finite values, and it rewrites to an equal file. */
    private static void checkAccepted(QuantizedTensor a, QuantizedTensor b, Arena arena) throws IOException {
        float[] x = checkDecodes(a, arena);
        float[] y = checkDecodes(b, arena);
        if (!java.util.Arrays.equals(x, y)) {
            throw new AssertionError("read() and map() decode differently");
        }
        PackedFile.write(a, SCRATCH2);
        float[] z = checkDecodes(PackedFile.read(SCRATCH2, arena), arena);
        if (!java.util.Arrays.equals(x, z)) {
            throw new AssertionError("an accepted file does not survive a rewrite");
        }
    }

    /** Decodes every element; each must be finite and agree with the element-wise reader. */
    static float[] checkDecodes(QuantizedTensor q, Arena arena) {
        Tensor t = q.dequantize(arena);
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new AssertionError(q + ": validated codes decode to " + v[i] + " at flat index " + i);
            }
        }
        if (v.length > 0) {
            long last = v.length - 1;
            long r = last / q.cols();
            long c = last % q.cols();
            if (Float.floatToRawIntBits(q.get(r, c)) != Float.floatToRawIntBits(v[v.length - 1])) {
                throw new AssertionError(q + ": get(" + r + ", " + c + ") disagrees with dequantize()");
            }
        }
        GroupCodec codec = q.format().codec();
        for (long k = 0; k < Math.min(q.blockCount(), 64); k++) {
            int len = q.blockLength(k);
            if (len <= 0 || len > q.groupSize()) {
                throw new AssertionError(q + ": block " + k + " has length " + len);
            }
            for (int i = 0; i < len; i++) {
                int code = codec.code(q.codes(), k * codec.codeBytes(q.groupSize()), i);
                if (code < -8 || code > 255) {
                    throw new AssertionError(q + ": code " + code + " out of any format's range");
                }
            }
        }
        return v;
    }

    // ---- codecs: arbitrary sections and shapes ------------------------------------------------

    /** Any format, axis, group size and shape (often hostile) over arbitrary code and metadata bytes. */
    static void decode(FuzzedDataProvider d) {
        PackedFormat f = d.pickValue(PackedFormat.values());
        GroupAxis axis = d.pickValue(GroupAxis.values());
        int g = d.consumeBoolean() ? d.consumeInt(1, 300) : d.consumeInt();
        long rows = d.consumeBoolean() ? d.consumeLong(0, 80) : d.consumeLong();
        long cols = d.consumeBoolean() ? d.consumeLong(0, 80) : d.consumeLong();
        byte[] codeBytes = d.consumeBytes(d.consumeInt(0, 4096));
        byte[] metaBytes = d.consumeRemainingAsBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(codeBytes.length);
            MemorySegment.copy(codeBytes, 0, codes, ValueLayout.JAVA_BYTE, 0, codeBytes.length);
            MemorySegment meta = arena.allocate(metaBytes.length);
            MemorySegment.copy(metaBytes, 0, meta, ValueLayout.JAVA_BYTE, 0, metaBytes.length);
            QuantizedTensor q;
            try {
                q = QuantizedTensor.wrap(f, axis, g, rows, cols, codes, meta, true);
            } catch (IllegalArgumentException e) {
                requireOneLine(e);
                return;
            }
            checkDecodes(q, arena);
        }
    }

    /** Any format, axis and group size over arbitrary floats (NaN, ±Inf, subnormals, extremes), F32 or F16. */
    static void quantize(FuzzedDataProvider d) {
        PackedFormat f = d.pickValue(PackedFormat.values());
        GroupAxis axis = d.pickValue(GroupAxis.values());
        int g = d.consumeBoolean() ? d.consumeInt(1, 70) : d.consumeInt();
        int rows = d.consumeInt(0, 40);
        int cols = d.consumeInt(0, 40);
        boolean f16 = d.consumeBoolean();
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, f16 ? DType.F16 : DType.F32, rows, cols);
            boolean allowed = true;
            for (long i = 0; i < t.elementCount() && d.remainingBytes() > 0; i++) {
                t.setFlat(i, d.consumeFloat());
            }
            for (long i = 0; i < t.elementCount(); i++) {
                float v = t.getFlat(i);
                allowed &= Float.isFinite(v) && Math.abs(v) <= 65504f;
            }
            QuantizedTensor q;
            try {
                q = QuantizedTensor.quantize(t, f, axis, Groups.fit(f, g), arena);
            } catch (IllegalArgumentException e) {
                requireOneLine(e);
                if (allowed && g > 0 && g <= QuantizedTensor.MAX_GROUP_SIZE) {
                    throw new AssertionError("refused a valid input: " + e.getMessage(), e);
                }
                return;
            }
            if (!allowed) {
                throw new AssertionError("accepted a tensor with a non-finite or out-of-range element");
            }
            q.validate();
            String bad = Groups.firstBoundViolation(q, t, q.dequantize(arena));
            if (bad != null) {
                throw new AssertionError(bad);
            }
            try {
                PackedFile.write(q, SCRATCH2);
                float[] back = checkDecodes(PackedFile.read(SCRATCH2, arena), arena);
                if (!java.util.Arrays.equals(back, q.dequantize(arena).toFloatArray())) {
                    throw new AssertionError(q + ": the packed file round trip changed values");
                }
            } catch (IOException e) {
                throw new AssertionError(q + ": the writer's own file is refused: " + e.getMessage(), e);
            }
        }
    }

    // ---- .npy -----------------------------------------------------------------------------------

    /** Arbitrary bytes as a .npy file; an accepted file rewrites and rereads to the same bytes. */
    static void npy(byte[] bytes) {
        try {
            Files.write(SCRATCH, bytes);
            try (Arena arena = Arena.ofConfined()) {
                Tensor t;
                try {
                    t = Npy.read(SCRATCH, arena);
                } catch (CorruptFileException e) {
                    requireOneLine(e);
                    return;
                }
                long dataBytes = t.elementCount() * t.dtype().byteSize();
                if (dataBytes > bytes.length) {
                    throw new AssertionError("read " + dataBytes + " data bytes from a " + bytes.length + "-byte file");
                }
                Npy.write(t, SCRATCH2);
                Tensor back = Npy.read(SCRATCH2, arena);
                if (!java.util.Arrays.equals(back.shape(), t.shape()) || back.dtype() != t.dtype()
                        || back.contiguousSegment().mismatch(t.contiguousSegment()) != -1) {
                    throw new AssertionError(".npy rewrite changed the tensor " + t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
