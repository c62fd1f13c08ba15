package dev.lowbit.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FP32 initializers and the node list of an ONNX model, read straight from the protobuf wire
 * format: {@code ModelProto.graph (7)} → {@code GraphProto.node (1)}, {@code initializer (5)} →
 * {@code TensorProto.dims (1)}, {@code data_type (2)}, {@code float_data (4)}, {@code name (8)},
 * {@code raw_data (9)}, {@code data_location (14)}; {@code NodeProto.input (1)}, {@code output (2)},
 * {@code name (3)}, {@code op_type (4)} (field numbers from onnx.proto).
 *
 * <p>Why a hand-written reader and not protobuf-java: we need six fields of three messages, the
 * wire format is four rules (varint, 64-bit, length-delimited, 32-bit), and protobuf-java would
 * also need the onnx.proto classes generated at build time (protoc, a plugin) for no gain. Unknown
 * fields are skipped, as protobuf does.
 *
 * <p>Only FP32 tensors are kept (the INT64 {@code position_ids} constant is not a weight); a
 * tensor stored outside the file (external data) is refused.
 */
public final class OnnxWeights {
    /** ONNX TensorProto.DataType.FLOAT. */
    private static final int FLOAT = 1;

    /** An FP32 tensor: row-major {@code data} of shape {@code dims}. */
    public record Tensor(String name, long[] dims, float[] data) {
        public int dim(int i) {
            return Math.toIntExact(dims[i]);
        }
    }

    /** A graph node: operator, name, input and output value names. */
    public record Node(String op, String name, List<String> inputs, List<String> outputs) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    private OnnxWeights() {
    }

    /** Parses a serialized {@code ModelProto}. */
    public static OnnxWeights read(byte[] model) {
        OnnxWeights w = new OnnxWeights();
        Wire m = new Wire(model, 0, model.length);
        boolean graph = false;
        while (m.more()) {
            int key = m.key();
            if (key >>> 3 == 7 && (key & 7) == 2) {
                w.readGraph(m.sub());
                graph = true;
            } else {
                m.skip(key);
            }
        }
        if (!graph) {
            throw new IllegalArgumentException("not an ONNX model: no graph (ModelProto field 7) in " + model.length + " bytes");
        }
        return w;
    }

    /** The FP32 initializer called {@code name}. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("ONNX model has no FP32 initializer '" + name + "'");
        }
        return t;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /**
     * The weight of the MatMul node called {@code nodeName}: PyTorch exports a Linear as
     * {@code MatMul(x, W)} with an anonymous {@code onnx::MatMul_N} initializer W of shape
     * [in, out], so weights are found by following the graph, not by their names.
     */
    public Tensor matMulWeight(String nodeName) {
        for (Node n : nodes) {
            if (n.name().equals(nodeName)) {
                if (!n.op().equals("MatMul")) {
                    throw new IllegalArgumentException("node '" + nodeName + "' is a " + n.op() + ", expected MatMul");
                }
                for (String in : n.inputs()) {
                    if (tensors.containsKey(in)) {
                        return tensors.get(in);
                    }
                }
                throw new IllegalArgumentException("MatMul node '" + nodeName + "' has no initializer input: " + n.inputs());
            }
        }
        throw new IllegalArgumentException("ONNX graph has no node '" + nodeName + "'");
    }

    private void readGraph(Wire g) {
        while (g.more()) {
            int key = g.key();
            int field = key >>> 3;
            if (field == 1 && (key & 7) == 2) {
                nodes.add(readNode(g.sub()));
            } else if (field == 5 && (key & 7) == 2) {
                Tensor t = readTensor(g.sub());
                if (t != null) {
                    tensors.put(t.name(), t);
                }
            } else {
                g.skip(key);
            }
        }
    }

    private static Node readNode(Wire n) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        while (n.more()) {
            int key = n.key();
            switch (key >>> 3) {
                case 1 -> in.add(n.string());
                case 2 -> out.add(n.string());
                case 3 -> name = n.string();
                case 4 -> op = n.string();
                default -> n.skip(key);
            }
        }
        return new Node(op, name, List.copyOf(in), List.copyOf(out));
    }

    /** Reads a TensorProto; null for a non-FP32 tensor. */
    private static Tensor readTensor(Wire t) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        float[] data = null;
        int floatCount = 0;
        float[] floats = new float[0];
        boolean external = false;
        while (t.more()) {
            int key = t.key();
            int wire = key & 7;
            switch (key >>> 3) {
                case 1 -> {
                    if (wire == 2) { // packed repeated int64
                        Wire p = t.sub();
                        while (p.more()) {
                            dims.add(p.varint());
                        }
                    } else {
                        dims.add(t.varint());
                    }
                }
                case 2 -> type = (int) t.varint();
                case 4 -> {
                    if (wire == 2) {
                        Wire p = t.sub();
                        int n = (p.end - p.pos) / 4;
                        floats = Arrays.copyOf(floats, floatCount + n);
                        p.floats().get(floats, floatCount, n);
                        floatCount += n;
                    } else {
                        floats = Arrays.copyOf(floats, floatCount + 1);
                        floats[floatCount++] = Float.intBitsToFloat(t.fixed32());
                    }
                }
                case 8 -> name = t.string();
                case 9 -> {
                    Wire raw = t.sub();
                    data = new float[(raw.end - raw.pos) / 4];
                    raw.floats().get(data);
                }
                case 14 -> external = t.varint() == 1;
                default -> t.skip(key);
            }
        }
        if (type != FLOAT) {
            return null;
        }
        if (external) {
            throw new IllegalArgumentException("ONNX tensor '" + name + "' keeps its data in an external file; only embedded weights are supported");
        }
        if (data == null) {
            data = Arrays.copyOf(floats, floatCount);
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long count = Arrays.stream(d).reduce(1, Math::multiplyExact);
        if (count != data.length) {
            throw new IllegalArgumentException("ONNX tensor '" + name + "' of shape " + Arrays.toString(d) + " holds "
                    + data.length + " floats, expected " + count);
        }
        return new Tensor(name, d, data);
    }

    /** A cursor over one length-delimited protobuf message. */
    private static final class Wire {
        final ByteBuffer buf;
        int pos;
        final int end;

        Wire(byte[] bytes, int pos, int end) {
            this(ByteBuffer.wrap(bytes), pos, end);
        }

        private Wire(ByteBuffer buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int key() {
            return (int) varint();
        }

        long varint() {
            long r = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated protobuf varint at byte " + pos);
                }
                byte b = buf.get(pos++);
                r |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return r;
                }
            }
            throw new IllegalArgumentException("malformed protobuf varint at byte " + pos);
        }

        int fixed32() {
            int v = buf.slice(pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            pos += 4;
            return v;
        }

        /** The rest of this message as little-endian floats. */
        FloatBuffer floats() {
            return buf.slice(pos, end - pos).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }

        /** The length-delimited field at the cursor, as its own cursor; skips past it. */
        Wire sub() {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException("protobuf field of " + n + " bytes at byte " + pos + " overruns its message (ends at " + end + ")");
            }
            Wire w = new Wire(buf, pos, pos + (int) n);
            pos += (int) n;
            return w;
        }

        String string() {
            Wire s = sub();
            byte[] b = new byte[s.end - s.pos];
            buf.get(s.pos, b);
            return new String(b, StandardCharsets.UTF_8);
        }

        void skip(int key) {
            switch (key & 7) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> sub();
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (key & 7) + " at byte " + pos);
            }
            if (pos > end) {
                throw new IllegalArgumentException("protobuf field overruns its message at byte " + pos);
            }
        }
    }
}
