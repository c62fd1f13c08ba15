package dev.lowbit.packing.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * An append-only, growable store of fixed-size byte records in off-heap chunks: record
 * {@code i} lives in chunk {@code i / recordsPerChunk} at byte {@code (i % recordsPerChunk) ·
 * recordBytes}. Chunks are allocated from the owner's {@link Arena} (64-byte aligned) and never
 * move or shrink once allocated, so a reader holding a record's address may use it for as long
 * as the arena is open.
 *
 * <p>Concurrency: one writer calls {@link #append()}; readers may call {@link #chunk(long)} for
 * any record index the writer has published through some other happens-before edge (the KV
 * cache publishes its token count with a volatile store after the data is written). The chunk
 * table is itself published with a volatile store before any record in a new chunk is handed out.
 */
public final class ChunkedRecords {
    private final Arena arena;
    private final int recordBytes;
    private final int recordsPerChunk;
    private volatile MemorySegment[] chunks = new MemorySegment[0];
    private long size;

    /**
     * @param recordBytes bytes per record ({@code >= 0}; a zero-size store allocates nothing)
     * @param recordsPerChunk records per chunk ({@code >= 1})
     */
    public ChunkedRecords(Arena arena, int recordBytes, int recordsPerChunk) {
        this.arena = Objects.requireNonNull(arena, "arena");
        if (recordBytes < 0) {
            throw new IllegalArgumentException("recordBytes must be >= 0, got " + recordBytes);
        }
        if (recordsPerChunk < 1) {
            throw new IllegalArgumentException("recordsPerChunk must be >= 1, got " + recordsPerChunk);
        }
        this.recordBytes = recordBytes;
        this.recordsPerChunk = recordsPerChunk;
    }

    public int recordBytes() {
        return recordBytes;
    }

    public int recordsPerChunk() {
        return recordsPerChunk;
    }

    /** Records appended so far (writer's view; readers use the count their publisher gave them). */
    public long size() {
        return size;
    }

    /** Appends one zeroed record and returns its index (writer only). */
    public long append() {
        long i = size;
        int c = Math.toIntExact(i / recordsPerChunk);
        MemorySegment[] cs = chunks;
        if (c == cs.length && recordBytes > 0) {
            MemorySegment seg = arena.allocate((long) recordBytes * recordsPerChunk, 64);
            MemorySegment[] grown = Arrays.copyOf(cs, c + 1);
            grown[c] = seg;
            chunks = grown;
        }
        size = i + 1;
        return i;
    }

    /** The chunk holding record {@code i}. */
    public MemorySegment chunk(long i) {
        MemorySegment[] cs = chunks;
        long c = i / recordsPerChunk;
        if (i < 0 || c >= cs.length) {
            throw new IndexOutOfBoundsException("record " + i + " is not allocated (" + cs.length + " chunks of "
                    + recordsPerChunk + ")");
        }
        return cs[(int) c];
    }

    /** Byte offset of record {@code i} inside {@link #chunk(long) its chunk}. */
    public long offset(long i) {
        return (i % recordsPerChunk) * recordBytes;
    }

    /** Bytes of the records appended so far (what memory accounting counts; chunk slack excluded). */
    public long usedBytes() {
        return size * recordBytes;
    }
}
