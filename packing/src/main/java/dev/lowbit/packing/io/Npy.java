package dev.lowbit.packing.io;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Shapes;
import dev.lowbit.packing.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): float32 ({@code <f4}) and float16
 * ({@code <f2}), C order, little-endian. Anything else — another dtype, big-endian, Fortran
 * order, a truncated header or data — is refused with a {@link CorruptFileException} whose one-line
 * message names what was found.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final int MAX_HEADER = 1 << 20;

    private Npy() {}

    /** Reads {@code path} into a new tensor owned by {@code arena} (dtype F32 or F16 as stored). */
    public static Tensor read(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, 0);
            if (pre.position() < 10) {
                throw new CorruptFileException(path + ": truncated .npy: " + size + " bytes, no complete header");
            }
            pre.flip();
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre.get(i) != MAGIC[i]) {
                    throw new CorruptFileException(path + ": not a .npy file (bad magic)");
                }
            }
            int major = Byte.toUnsignedInt(pre.get(6));
            long headerLen;
            int lenBytes;
            if (major == 1) {
                headerLen = Short.toUnsignedInt(pre.getShort(8));
                lenBytes = 2;
            } else if (major == 2 || major == 3) {
                if (pre.limit() < 12) {
                    throw new CorruptFileException(path + ": truncated .npy header");
                }
                headerLen = Integer.toUnsignedLong(pre.getInt(8));
                lenBytes = 4;
            } else {
                throw new CorruptFileException(path + ": unsupported .npy format version " + major + "." + pre.get(7)
                        + " (expected 1.0, 2.0 or 3.0)");
            }
            long dataStart = 8 + lenBytes + headerLen;
            if (headerLen > MAX_HEADER || dataStart > size) {
                throw new CorruptFileException(path + ": truncated .npy: header says " + headerLen
                        + " header bytes but the file has " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8 + lenBytes);
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            DType dtype = parseDtype(path, header);
            long[] shape = parseShape(path, header);
            long count;
            long bytes;
            try {
                count = Shapes.elementCount(shape);
                bytes = Shapes.byteCount(count, dtype.byteSize());
            } catch (IllegalArgumentException e) {
                throw new CorruptFileException(path + ": " + e.getMessage());
            }
            if (size - dataStart < bytes) {
                throw new CorruptFileException(path + ": truncated .npy data: shape " + java.util.Arrays.toString(shape)
                        + " needs " + bytes + " bytes, the file holds " + (size - dataStart));
            }
            Tensor t = Tensor.allocate(arena, dtype, shape);
            MemorySegment seg = t.segment();
            long chunk = 1L << 30;
            for (long off = 0; off < bytes; off += chunk) {
                ByteBuffer bb = seg.asSlice(off, Math.min(chunk, bytes - off)).asByteBuffer();
                readFully(ch, bb, dataStart + off);
                if (bb.hasRemaining()) {
                    throw new CorruptFileException(path + ": .npy data shrank while being read");
                }
            }
            return t;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer bb, long pos) throws IOException {
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) {
                return;
            }
            pos += n;
        }
    }

    private static DType parseDtype(Path path, String header) throws CorruptFileException {
        Matcher d = DESCR.matcher(header);
        if (!d.find()) {
            throw new CorruptFileException(path + ": .npy header has no 'descr' entry");
        }
        String descr = d.group(1);
        Matcher f = FORTRAN.matcher(header);
        if (!f.find()) {
            throw new CorruptFileException(path + ": .npy header has no 'fortran_order' entry");
        }
        if (f.group(1).equals("True")) {
            throw new CorruptFileException(path + ": .npy array is in Fortran order; lowbit reads C order only (np.ascontiguousarray)");
        }
        return switch (descr) {
            case "<f4" -> DType.F32;
            case "<f2" -> DType.F16;
            default -> throw new CorruptFileException(path + ": .npy dtype '" + printable(descr)
                    + "' is not supported; expected little-endian float32 '<f4' or float16 '<f2'");
        };
    }

    private static long[] parseShape(Path path, String header) throws CorruptFileException {
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) {
            throw new CorruptFileException(path + ": .npy header has no 'shape' entry");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new CorruptFileException(path + ": .npy shape has a bad dimension '" + printable(p) + "'");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Header text quoted in an error message: control characters (a newline inside a corrupt
     * header) become '?' and long text is cut, so the message stays one readable line.
     */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 40 ? b + "..." : b.toString();
    }

    /** Writes {@code t} (F32 or F16, any view) as a version 1.0 {@code .npy}, atomically. */
    public static void write(Tensor t, Path path) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        long[] sh = t.shape();
        for (int i = 0; i < sh.length; i++) {
            shape.append(sh[i]).append(sh.length == 1 ? "," : i + 1 < sh.length ? ", " : "");
        }
        shape.append(')');
        String descr = t.dtype() == DType.F32 ? "<f4" : "<f2";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] hb = header.getBytes(StandardCharsets.ISO_8859_1);
        if (hb.length > 0xFFFF) {
            throw new IllegalArgumentException("shape " + shape + " makes a .npy header too long for version 1.0");
        }
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) hb.length).flip();

        try (Arena arena = Arena.ofConfined()) {
            Tensor c = t.isContiguous() ? t : t.copy(arena, t.dtype());
            MemorySegment data = c.contiguousSegment();
            AtomicWrite.replace(path, ch -> {
                AtomicWrite.writeFully(ch, MemorySegment.ofBuffer(pre), 0);
                AtomicWrite.writeFully(ch, MemorySegment.ofArray(hb), 10);
                AtomicWrite.writeFully(ch, data, 10L + hb.length);
            });
        }
    }
}
