package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.PackedFile;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * Lifetimes: memory of a closed arena gives {@link IllegalStateException} (never a crash or a
 * read of freed memory), and a confined segment touched from another thread gives
 * {@link WrongThreadException}, for tensors, quantized tensors and mapped packed files.
 */
class LifetimeTest {
    @TempDir
    Path dir;

    static Tensor random(Arena arena, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        Tensor t = Tensor.allocate(arena, DType.F32, rows, cols);
        for (long i = 0; i < t.elementCount(); i++) {
            t.setFlat(i, (float) rnd.nextGaussian());
        }
        return t;
    }

    static void assertClosed(Executable e) {
        IllegalStateException ex = assertThrows(IllegalStateException.class, e);
        assertTrue(Groups.oneLine(ex.getMessage()), String.valueOf(ex.getMessage()));
    }

    @Test
    void tensorOfAClosedArenaThrowsIllegalState() {
        Arena arena = Arena.ofConfined();
        Tensor t = random(arena, 5, 7, 1);
        Tensor view = t.transpose(0, 1).slice(0, 1, 4);
        arena.close();
        assertClosed(() -> t.get(1, 2));
        assertClosed(() -> t.set(1f, 1, 2));
        assertClosed(() -> t.getFlat(34));
        assertClosed(() -> view.get(0, 0));
        assertClosed(t::toFloatArray);
        assertClosed(() -> t.readRow(0, new float[7], 0));
        try (Arena other = Arena.ofConfined()) {
            assertClosed(() -> t.copy(other, DType.F16));
            assertClosed(() -> view.copy(other, DType.F32));
        }
    }

    @Test
    void quantizedTensorOfAClosedArenaThrowsIllegalState() throws Exception {
        for (PackedFormat f : PackedFormat.values()) {
            Arena arena = Arena.ofConfined();
            Tensor src = random(arena, 40, 6, 2);
            QuantizedTensor q = QuantizedTensor.quantize(src, f, GroupAxis.CHANNEL, Groups.fit(f, 32), arena);
            arena.close();
            assertClosed(() -> q.get(3, 4));
            assertClosed(q::validate);
            try (Arena other = Arena.ofConfined()) {
                assertClosed(() -> q.dequantize(other));
                assertClosed(() -> QuantizedTensor.quantize(src, f, GroupAxis.TOKEN, Groups.fit(f, 4), other));
            }
            Path out = dir.resolve(f + ".lbp");
            assertClosed(() -> PackedFile.write(q, out));
            assertFalse(Files.exists(out), "a failed write must not leave a target file");
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("." + f)), "stray temp file left");
            }
        }
    }

    @Test
    void mappedPackedFileAfterItsArenaClosesThrowsIllegalState() throws Exception {
        Path file = dir.resolve("m.lbp");
        float[] expected;
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(random(arena, 33, 9, 3), PackedFormat.TERNARY_B3, GroupAxis.CHANNEL, 32, arena);
            PackedFile.write(q, file);
            expected = q.dequantize(arena).toFloatArray();
        }
        Arena arena = Arena.ofConfined();
        QuantizedTensor mapped = PackedFile.map(file, arena);
        assertArrayEquals(expected, mapped.dequantize(arena).toFloatArray());
        arena.close();
        assertClosed(() -> mapped.get(0, 0));
        assertClosed(mapped::validate);
        // mapping into an arena that is already closed
        assertClosed(() -> PackedFile.map(file, arena));
        assertClosed(() -> PackedFile.read(file, arena));
    }

    @Test
    void confinedMemoryFromAnotherThreadIsAClearError() throws Exception {
        Path file = dir.resolve("c.lbp");
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = random(arena, 40, 8, 4);
            QuantizedTensor q = QuantizedTensor.quantize(t, PackedFormat.INT2, GroupAxis.CHANNEL, 32, arena);
            PackedFile.write(q, file);
            QuantizedTensor mapped = PackedFile.map(file, arena);
            for (Executable e : new Executable[] {() -> t.get(0, 0), () -> t.set(2f, 1, 1), () -> q.get(1, 1),
                    mapped::validate, () -> QuantizedTensor.quantize(t, PackedFormat.INT1, GroupAxis.TOKEN, 8, Arena.global())}) {
                Throwable thrown = CompletableFuture.supplyAsync(() -> {
                    try {
                        e.execute();
                        return null;
                    } catch (Throwable x) {
                        return x;
                    }
                }).get(10, TimeUnit.SECONDS);
                assertTrue(thrown instanceof WrongThreadException, "expected WrongThreadException, got " + thrown);
                assertTrue(Groups.oneLine(thrown.getMessage()), thrown.getMessage());
            }
            // and the owner thread still reads it
            assertTrue(Float.isFinite(q.get(1, 1)));
        }
    }

    /**
     * A shared arena closed while other threads are reading: each read either completes with the
     * right value or fails with IllegalStateException; the JVM never crashes.
     */
    @Test
    void closingASharedArenaUnderConcurrentReadersIsSafe() throws Exception {
        for (int round = 0; round < 5; round++) {
            Arena arena = Arena.ofShared();
            Tensor t = random(arena, 64, 64, round);
            float[] expected = t.toFloatArray();
            QuantizedTensor q = QuantizedTensor.quantize(t, PackedFormat.TERNARY2, GroupAxis.CHANNEL, 32, arena);
            float[] qExpected = q.dequantize(Arena.ofAuto()).toFloatArray();
            AtomicBoolean wrong = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            CompletableFuture<?>[] readers = new CompletableFuture<?>[2];
            for (int r = 0; r < readers.length; r++) {
                int id = r;
                readers[r] = CompletableFuture.runAsync(() -> {
                    Random rnd = new Random(id);
                    try {
                        while (true) {
                            int i = rnd.nextInt(64 * 64);
                            if (t.getFlat(i) != expected[i] || q.get(i / 64, i % 64) != qExpected[i]) {
                                wrong.set(true);
                            }
                            reads.incrementAndGet();
                        }
                    } catch (IllegalStateException closed) {
                        // expected once the arena is closed
                    }
                });
            }
            while (reads.get() < 1000) {
                Thread.onSpinWait();
            }
            closeRetrying(arena);
            for (CompletableFuture<?> f : readers) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("reader failed with something other than IllegalStateException", e.getCause());
                }
            }
            assertFalse(wrong.get(), "a reader saw a wrong value before the close");
        }
    }

    private static void closeRetrying(Arena arena) {
        // close() of a shared arena can throw IllegalStateException while a thread is inside an access; retry.
        for (int i = 0; ; i++) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException busy) {
                if (i > 1000) {
                    throw busy;
                }
                Thread.yield();
            }
        }
    }
}
