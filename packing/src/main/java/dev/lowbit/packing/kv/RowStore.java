package dev.lowbit.packing.kv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Append-only side rows of a {@link KvBlockCodec} (VidKV keeps salient tokens' values as INT2
 * rows here): row {@code r}'s codes are record r of one {@link ChunkedRecords}, its metadata
 * record r of another. Same writer/reader rules as {@link ChunkedRecords}.
 */
public final class RowStore {
    private final ChunkedRecords codes;
    private final ChunkedRecords meta;

    public RowStore(Arena arena, int rowCodeBytes, int rowMetaBytes, int rowsPerChunk) {
        codes = new ChunkedRecords(arena, rowCodeBytes, rowsPerChunk);
        meta = new ChunkedRecords(arena, rowMetaBytes, rowsPerChunk);
    }

    /** Appends one zeroed row and returns its index (writer only). */
    public long append() {
        meta.append();
        return codes.append();
    }

    public long size() {
        return codes.size();
    }

    public MemorySegment codes(long row) {
        return codes.chunk(row);
    }

    public long codeOffset(long row) {
        return codes.offset(row);
    }

    public MemorySegment meta(long row) {
        return meta.chunk(row);
    }

    public long metaOffset(long row) {
        return meta.offset(row);
    }

    public long codeBytesUsed() {
        return codes.usedBytes();
    }

    public long metaBytesUsed() {
        return meta.usedBytes();
    }
}
