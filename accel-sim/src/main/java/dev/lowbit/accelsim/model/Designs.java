package dev.lowbit.accelsim.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The four published design points (DESIGN.md "Accelerator model", issue 6, and the authors'
 * {@code bitmod_sim/test_*.py}). Arrays are sized so that the designs have about the same area;
 * PE energy and area are the authors' post-synthesis values.
 *
 * <p>Weight precisions per model, decode: ANT OPT-1.3B 5, Phi-2 5, Yi-6B 5.25, Llama-2-7B 5,
 * Llama-2-13B 5, Llama-3-8B 4.5; OliVe 3.875, 4, 4.25, 3.75, 3.75, 3.5; prefill ANT 5.5 and OliVe 4.5
 * for all; BitMoD 3.0625 decode / 4.0625 prefill (3- and 4-bit codes plus 8 bits of metadata per
 * group of 128). These are the values; the released {@code test_ant.py}/{@code test_olive.py}
 * differ (e.g. ANT Llama-2-13B 4, Llama-3-8B 5; OliVe 4 for most models; ANT PE energy 0.56 pJ)
 * and were followed here only where the issue is silent. A model not in the table gets the
 * Llama-2-7B value (ANT 5, OliVe 3.75) unless its model file gives {@code weight_bits}.
 */
public final class Designs {
    private Designs() {
    }

    private static final String SRC = "DESIGN.md / issue 6 (from the authors' bitmod_sim/test_*.py and the paper)";

    /** FP16 baseline: 64×12 (decode) / 32×24 (prefill) FP16 MAC PEs, 0.77 pJ, 1968.7 µm². */
    public static final Design FP16 = new Design("fp16", "FP16", false, 1,
            new ArrayShape(64, 12), new ArrayShape(32, 24), 0.77, 1968.7,
            Map.of(), 16, Map.of(), 16, SRC);

    /** ANT: 64×16 / 32×32 PEs, p = 1, 0.613 pJ, 1318.6 µm². */
    public static final Design ANT = new Design("ant", "ANT", false, 1,
            new ArrayShape(64, 16), new ArrayShape(32, 32), 0.613, 1318.6,
            Map.of("opt-1.3b", 5.0, "phi-2", 5.0, "yi-6b", 5.25, "llama-2-7b", 5.0, "llama-2-13b", 5.0, "llama-3-8b", 4.5),
            5.0, Map.of(), 5.5, SRC);

    /** OliVe: 72×16 / 36×32 PEs, p = 1, 0.613 pJ, 1318.6 µm². */
    public static final Design OLIVE = new Design("olive", "OliVe", false, 1,
            new ArrayShape(72, 16), new ArrayShape(36, 32), 0.613, 1318.6,
            Map.of("opt-1.3b", 3.875, "phi-2", 4.0, "yi-6b", 4.25, "llama-2-7b", 3.75, "llama-2-13b", 3.75, "llama-3-8b", 3.5),
            3.75, Map.of(), 4.5, SRC);

    /** BitMoD: 64×16 / 32×32 bit-serial PEs, p = 4, 0.56 pJ, 1507.7 µm². */
    public static final Design BITMOD = new Design("bitmod", "BitMoD", true, 4,
            new ArrayShape(64, 16), new ArrayShape(32, 32), 0.56, 1507.7,
            Map.of(), 3.0625, Map.of(), 4.0625, SRC);

    /** The four designs in the paper's order. */
    public static List<Design> all() {
        return List.of(FP16, ANT, OLIVE, BITMOD);
    }

    /** A design by id, any case. */
    public static Design byId(String id) {
        String n = id.strip().toLowerCase(Locale.ROOT);
        for (Design d : all()) {
            if (d.id().equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("design: expected fp16, ant, olive or bitmod, found '" + id + "'");
    }
}
