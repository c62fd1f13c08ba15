package dev.lowbit.packing.io;

import java.io.IOException;

/** A file that is truncated, corrupted, or not of the expected kind. The message says which and where. */
public class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptFileException(String message) {
        super(message);
    }
}
