# Generates DenseBlock.java (the FP32 baseline's 4/7/8-head block kernels): python3 dense_block.py
def accs(H): return [f"a{h}" for h in range(H)]
out=[]
for H in (4,7,8):
    A=accs(H)
    decl="\n".join(f"        FloatVector {a} = FloatVector.zero(F);\n        FloatVector {a}b = FloatVector.zero(F);" for a in A)
    fm="\n".join(f"            FloatVector q{h} = FloatVector.broadcast(F, q[qOff + {h} * d + r]);\n            {a} = k.fma(q{h}, {a});\n            {a}b = kb.fma(q{h}, {a}b);" for h,a in enumerate(A))
    st="\n".join(f"        {a}.intoArray(sc, sOff + {h} * stride);\n        {a}b.intoArray(sc, sOff + {h} * stride + L);" for h,a in enumerate(A))
    out.append(f"""
    /** {H} heads' scores for tokens {{@code [j, j+2L)}} of a channel-major F32 key block at byte {{@code off}} (both vectors of a row per load pass). */
    static void scoresX{H}(MemorySegment kt, long off, int d, int j, float[] q, int qOff, float[] sc, int sOff, int stride) {{
{decl}
        for (int r = 0; r < d; r++) {{
            FloatVector k = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j), LE);
            FloatVector kb = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j + L), LE);
{fm}
        }}
{st}
    }}
""")
    decl2="\n".join(f"            FloatVector {a} = FloatVector.zero(F);" for a in A)
    fm2="\n".join(f"                {a} = v.fma(FloatVector.broadcast(F, p[pOff + {h} * stride + t]), {a});" for h,a in enumerate(A))
    fm3="\n".join(f"                {a} = v.fma(FloatVector.broadcast(F, p[pOff + {h} * stride + t]), {a});" for h,a in enumerate(A))
    outs="\n".join(f"            {a}.intoArray(tmp, {h} * L);" for h,a in enumerate(A))+"\n            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);"
    out.append(f"""
    /** {H} heads: {{@code acc[aOff + h·d + c] += Σ_t p[pOff + h·stride + t] · x_t[c]}} over n token-major F32 rows at byte {{@code off}}. */
    static void valuesX{H}(MemorySegment x, long off, int n, int d, int c0, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {{
        for (int c = c0; c < d; c += L) {{
{decl2}
            if (c + L <= d) {{
                for (int t = 0; t < n; t++) {{
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
{fm2}
                }}
            }} else {{
                VectorMask<Float> m = F.indexInRange(c, d);
                for (int t = 0; t < n; t++) {{
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE, m);
{fm3}
                }}
            }}
{outs}
        }}
    }}
""")
for H in (4,7,8):
    A=accs(H)
    declP="\n".join(f"            FloatVector {a} = FloatVector.zero(F);\n            FloatVector {a}b = FloatVector.zero(F);" for a in A)
    fmP="\n".join(f"                FloatVector p{h} = FloatVector.broadcast(F, p[pOff + {h} * stride + t]);\n                {a} = v.fma(p{h}, {a});\n                {a}b = w.fma(p{h}, {a}b);" for h,a in enumerate(A))
    outP="\n".join(f"            {a}.intoArray(tmp, {h} * L);" for h,a in enumerate(A))+"\n            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);\n"+"\n".join(f"            {a}b.intoArray(tmp, {h} * L);" for h,a in enumerate(A))+"\n            FusedBlock.finish(tmp, nh, c + L, d, null, null, null, acc, aOff);"
    out.append(f"""
    /** {H} heads, channels {{@code [c0, c0 + 2L)}} of n token-major F32 rows per pass (two vectors of a row per load pass). */
    static void valuesP{H}(MemorySegment x, long off, int n, int d, int c, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {{
        {{
{declP}
            for (int t = 0; t < n; t++) {{
                FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                FloatVector w = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c + L), LE);
{fmP}
            }}
{outP}
        }}
    }}
""")
head='''package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FP32 baseline's block kernels, shaped as {@link FusedBlock}'s: every loaded key vector
 * (L tokens of one channel) and value vector (L channels of one token) streams from the cache
 * segment into the FMAs of up to 8 query heads at once (passes of 8, 7 or 4 heads as {@link FusedBlock#pass},
 * over zero-padded query rows), so a GQA group of 7 reads its block once at full rate. One FMA
 * chain per head and lane, in row / token order.
 */
final class DenseBlock {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = DenseKvCache.BLOCK;

    private DenseBlock() {}

    /** All heads' scores for one key block: {@code sc[h·stride + t]}, h below the padded head count. */
    static void scores(MemorySegment kt, long off, int d, float[] q, int qOff, int heads, float[] sc, int stride) {
        for (int h = 0; h < heads; h += 8) {
            int pass = FusedBlock.pass(heads - h);
            boolean four = pass == 4;
            for (int j = 0; j < BLOCK; j += 2 * L) {
                if (pass == 7) {
                    scoresX7(kt, off, d, j, q, qOff + h * d, sc, h * stride + j, stride);
                } else if (four) {
                    scoresX4(kt, off, d, j, q, qOff + h * d, sc, h * stride + j, stride);
                } else {
                    scoresX8(kt, off, d, j, q, qOff + h * d, sc, h * stride + j, stride);
                }
            }
        }
    }

    /** All real heads' outputs += p · values over n rows ({@code tmp}: 8·L floats of scratch). */
    static void values(MemorySegment x, long off, int n, int d, float[] p, int heads, int stride, float[] acc, int aOff, float[] tmp) {
        for (int h = 0; h < heads; h += 8) {
            int nh = Math.min(8, heads - h);
            int c = 0;
            // two channel vectors (128 bytes of a row) per pass over the rows: measured ~1.3x faster
            // than one (0.53-0.57 -> 0.67-0.76 of the read bandwidth, same JVM runs alternated)
            for (; c + 2 * L <= d; c += 2 * L) {
                if (nh <= 4) {
                    valuesP4(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else if (nh == 7) {
                    valuesP7(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else {
                    valuesP8(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                }
            }
            if (c < d) {
                if (nh <= 4) {
                    valuesX4(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else if (nh == 7) {
                    valuesX7(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else {
                    valuesX8(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                }
            }
        }
    }
'''
import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../src/main/java/dev/lowbit/kernels/attention/DenseBlock.java'),'w').write(head+"".join(out)+"}\n")
