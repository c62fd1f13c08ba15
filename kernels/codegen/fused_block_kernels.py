# Generates the per-pass-size kernels of FusedBlock.java (everything after the hand-written part,
# from "/** 4 heads, INT1 rows" to the end): python3 fused_block_kernels.py > body.java, then splice.
# One accumulator variable per head is what keeps them in registers; Java has no way to say
# "H accumulators" generically, hence the generator.
def accs(H): return [f"a{h}" for h in range(H)]
def key_fn(H, kind):
    A=accs(H)
    decl="\n".join(f"        FloatVector {a} = add ? FloatVector.fromArray(F, sc, sOff + {h} * stride) : FloatVector.zero(F);\n        FloatVector {a}b = add ? FloatVector.fromArray(F, sc, sOff + {h} * stride + L) : FloatVector.zero(F);" for h,a in enumerate(A))
    fmas="\n".join(f"            FloatVector q{h} = FloatVector.broadcast(F, q[qOff + 8 * r + {h}]);\n            {a} = k.fma(q{h}, {a});\n            {a}b = kb.fma(q{h}, {a}b);" for h,a in enumerate(A))
    stores="\n".join(f"        {a}.intoArray(sc, sOff + {h} * stride);\n        {a}b.intoArray(sc, sOff + {h} * stride + L);" for h,a in enumerate(A))
    if kind=="Int1":
        dec="""            int w = words[wOff + r];
            FloatVector pos = FloatVector.broadcast(F, m[wOff + r]);
            FloatVector neg = pos.neg();
            FloatVector k = neg.blend(pos, VectorMask.fromLong(F, (w >>> j) & LANE_BITS));
            FloatVector kb = neg.blend(pos, VectorMask.fromLong(F, (w >>> (j + L)) & LANE_BITS));"""
    elif kind=="Int2":
        dec="""            FloatVector st = FloatVector.broadcast(F, m[2 * (wOff + r)]);
            FloatVector mn = FloatVector.broadcast(F, m[2 * (wOff + r) + 1]);
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector kb = cb.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);"""
    else:
        dec="""            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector kb = cb.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);"""
    arr = "int[] words"
    pre = "" if kind=="Int1" else """        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
"""
    return f"""
    /** {H} heads, {kind.upper()} rows {{@code [r0, r1)}}, tokens {{@code [j, j+2L)}} as two vectors (add: onto the scores already in sc). */
    private static void keys{kind}x{H}({arr}, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {{
{pre}{decl}
        for (int r = r0; r < r1; r++) {{
{dec}
{fmas}
        }}
{stores}
    }}
"""
def epilogue(H, A, x, coff, kind):
    """acc += a·scale (+ min·Σp) for the real heads, in place when the vector is whole; tmp + finish for the tail."""
    c = "c" + coff
    if kind == "Tok":
        pre = ""
        val = lambda h, a: f"{a}{x}"
        fin = f"finish(tmp, nh, {c}, d, null, null, null, acc, aOff);"
    else:
        pre = f"                FloatVector s{x} = FloatVector.fromArray(F, sc, {c});\n"
        if kind == "Int2":
            pre += f"                FloatVector n{x} = FloatVector.fromArray(F, mn, {c});\n"
            val = lambda h, a: f"n{x}.fma(FloatVector.broadcast(F, sums[{h}]), {a}{x}.mul(s{x}))"
        else:
            val = lambda h, a: f"{a}{x}.mul(s{x})"
        fin = f"finish(tmp, nh, {c}, d, sc, {'mn' if kind=='Int2' else 'null'}, sums, acc, aOff);"
    adds = "\n".join((f"                if (nh > {h}) {{\n    " if h >= 1 and H != 7 else "") +
                     f"                FloatVector.fromArray(F, acc, aOff + {h} * d + {c}).add({val(h, a)}).intoArray(acc, aOff + {h} * d + {c});" +
                     ("\n                }" if h >= 1 and H != 7 else "") for h, a in enumerate(A))
    stores = "\n".join(f"                {a}{x}.intoArray(tmp, {h} * L);" for h, a in enumerate(A))
    return f"""            if ({c} + L <= d) {{ // whole vector: add into acc in place
{pre}{adds}
            }} else {{ // last, partial vector: through tmp and the masked finish
{stores}
                {fin}
            }}"""

def val_fn(H, kind):
    A=accs(H)
    dec={"Tern":"TRIT","Int2":"CODE2","Int1":"SIGN1"}[kind]
    bits=1 if kind=="Int1" else 2
    per=32 if kind=="Int1" else 16  # tokens per int lane
    mn="mn" if kind=="Int2" else "null"
    def body(vecs):
        decl="\n".join(f"            FloatVector {a}{x} = FloatVector.zero(F);" for a in A for x in vecs)
        loads="\n".join(f"                IntVector w{x} = IntVector.fromArray(I, words, half * dp + c{'' if i==0 else ' + L'});" for i,x in enumerate(vecs))
        decs="\n".join(f"                    FloatVector v{x} = w{x}.selectFrom({dec}).reinterpretAsFloats();\n                    w{x} = w{x}.lanewise(VectorOperators.LSHR, {bits});" for x in vecs)
        fmas="\n".join(f"                    FloatVector p{h} = FloatVector.broadcast(F, p[pOff + {h} * G + t]);\n" + "\n".join(f"                    {a}{x} = v{x}.fma(p{h}, {a}{x});" for x in vecs) for h,a in enumerate(A))
        outs="\n".join(epilogue(H, A, x, '' if i==0 else ' + L', kind) for i,x in enumerate(vecs))
        halves = "1" if kind=="Int1" else "2"
        return f"""{decl}
            for (int half = 0; half < {halves}; half++) {{
{loads}
                for (int t = {per} * half; t < {per} * half + {per}; t++) {{
{decs}
{fmas}
                }}
            }}
{outs}"""
    # two channel vectors per pass (2H accumulators) only up to 7 heads: at 8 the method got too large for
    # C1's register allocator ("out of virtual registers"), stayed at tier 2 with boxed vectors, 40x slower
    pairs = "" if H == 8 else f"""
        for (; c + L < d; c += 2 * L) {{
{body(["", "b"])}
        }}"""
    return f"""
    /**
     * {H} heads of per-channel {kind.upper()} values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void values{kind}x{H}(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {{
        int c = 0;{pairs}
        for (; c < d; c += L) {{
{body([""])}
        }}
    }}
"""
def tok_fn(H):
    A=accs(H)
    decl="\n".join(f"            FloatVector {a} = FloatVector.zero(F);" for a in A)
    fmas="\n".join(f"                {a} = v.fma(FloatVector.broadcast(F, p[pOff + {h} * G + t]), {a});" for h,a in enumerate(A))
    outs=epilogue(H, A, "", "", "Tok")
    return f"""
    /**
     * {H} heads of {{@code n}} per-token INT2 rows (groups of 32 channels; KIVI's values, VidKV's salient rows):
     * each token's L codes decoded once in registers.
     */
    private static void valuesTokenInt2x{H}(int[] words, int ng, float[] m, int n, int d, float[] p, int pOff,
                                          int nh, float[] acc, int aOff, float[] tmp) {{
        for (int c = 0; c < d; c += L) {{
            int j = c >>> 5; // the channel group: word k = t·ng + j, as int halves words[2k], words[2k + 1]
            int wi = (c & 31) >>> 4;
            IntVector shifts = IntVector.zero(I).addIndex(2).add(2 * (c & 15));
{decl}
            for (int t = 0; t < n; t++) {{
                int k = t * ng + j;
                IntVector x = IntVector.broadcast(I, words[2 * k + wi]).lanewise(VectorOperators.LSHR, shifts);
                FloatVector v = x.selectFrom(CODE2).reinterpretAsFloats().fma(FloatVector.broadcast(F, m[2 * k]), FloatVector.broadcast(F, m[2 * k + 1]));
{fmas}
            }}
{outs}
        }}
    }}
"""
out=[]
for H in (4,7,8):
    for k in ("Int1","Int2","Tern"):
        out.append(key_fn(H,k))
    for k in ("Tern","Int2","Int1"):
        out.append(val_fn(H,k))
    out.append(tok_fn(H))
import sys
sys.stdout.write("".join(out))
