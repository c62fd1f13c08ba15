package dev.lowbit.accelsim.eval;

import dev.lowbit.accelsim.model.HardwareConstants;
import dev.lowbit.accelsim.model.RunResult;
import java.util.Locale;

/** Renders an {@link Evaluation} as a text table, CSV or JSON. Numbers use a '.' decimal point whatever the locale. */
public final class SimReport {
    /** The CSV header (issue 6: exactly this). */
    public static final String CSV_HEADER = "mode,model,design,cycles,energy_uj,speedup_vs_fp16";

    private SimReport() {
    }

    /** One CSV line per point, after {@link #CSV_HEADER}. */
    public static String csv(Evaluation e) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (SimPoint p : e.points()) {
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.3f,%.4f%n", p.phase().id(), p.model().id(),
                    p.design().id(), p.result().cycles(), p.result().energyUj(), p.speedupVsFp16()));
        }
        return b.toString();
    }

    /** A human-readable table per phase, then the summary. */
    public static String table(Evaluation e) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "context %d tokens, clock %.1f GHz, DRAM %d-bit DDR (%d bits/cycle), bit-serial latency rule %s%n",
                e.context(), HardwareConstants.CLOCK_HZ / 1e9, HardwareConstants.DRAM_BUS_BITS,
                HardwareConstants.DRAM_BITS_PER_CYCLE, e.latencyRule().name().toLowerCase(Locale.ROOT)));
        b.append(designs(e)).append('\n');
        String head = String.format(Locale.ROOT, "%-8s %-12s %-7s %6s %7s %14s %11s %11s %10s %10s %11s %8s %8s%n",
                "mode", "model", "design", "array", "w-bits", "cycles", "latency ms", "compute uJ", "SRAM uJ",
                "DRAM uJ", "energy uJ", "speedup", "en.eff");
        b.append(head);
        for (SimPoint p : e.points()) {
            RunResult r = p.result();
            b.append(String.format(Locale.ROOT, "%-8s %-12s %-7s %6s %7.4f %14d %11.3f %11.1f %10.1f %10.1f %11.1f %7.2fx %7.2fx%n",
                    p.phase().id(), p.model().displayName(), p.design().id(), r.array(),
                    p.design().weightBits(p.model(), p.phase()), r.cycles(), r.latencySeconds() * 1e3,
                    r.computeUj(), r.sramUj(), r.dramUj(), r.energyUj(), p.speedupVsFp16(), p.energyEfficiencyVsFp16()));
        }
        b.append("speedup, en.eff: versus the FP16 baseline (cycles ratio, energy ratio)\n\n");
        b.append(summary(e));
        return b.toString();
    }

    /** The design points that were run: PE type, arrays, PE energy and area, array area. */
    public static String designs(Evaluation e) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-7s %-11s %3s %8s %8s %8s %10s %13s%n",
                "design", "PE", "p", "decode", "prefill", "PE pJ", "PE um^2", "array mm^2"));
        e.points().stream().map(SimPoint::design).distinct().forEach(d -> b.append(String.format(Locale.ROOT,
                "%-7s %-11s %3d %8s %8s %8.3f %10.1f %6.3f/%.3f%n", d.id(), d.bitSerial() ? "bit-serial" : "parallel",
                d.dotProductSize(), d.decodeArray(), d.prefillArray(), d.peEnergyPj(), d.peAreaUm2(),
                d.decodeArray().pes() * d.peAreaUm2() * 1e-6, d.prefillArray().pes() * d.peAreaUm2() * 1e-6)));
        b.append("(PE energy is multiplied by 1.5 for place and route; array area = PEs x PE area, decode/prefill)\n");
        return b.toString();
    }

    /**
     * Per-layer breakdown of every point: shape, repeat count, operand bits, tiles, cycles per tile,
     * compute and DRAM cycles, which one bounds the layer, re-fetch passes and energy.
     */
    public static String layers(Evaluation e) {
        StringBuilder b = new StringBuilder();
        for (SimPoint p : e.points()) {
            RunResult r = p.result();
            b.append(String.format(Locale.ROOT, "%s %s %s (array %s, p = %d): %d cycles, %.1f uJ%n", p.phase().id(),
                    p.model().displayName(), p.design().id(), r.array(), p.design().dotProductSize(), r.cycles(), r.energyUj()));
            b.append(String.format(Locale.ROOT, "  %-10s %6s %7s %7s %5s %7s %14s %5s %14s %14s %-7s %7s %11s%n", "op", "count",
                    "cout", "cin", "T", "bits", "tiles", "lat", "compute cyc", "DRAM cyc", "bound", "refetch", "energy uJ"));
            for (var c : r.layers()) {
                var op = c.op();
                b.append(String.format(Locale.ROOT, "  %-10s %6d %7d %7d %5d %7.4f %14d %5d %14d %14d %-7s %7s %11.1f%n",
                        op.name(), op.count(), op.cout(), op.cin(), op.tokens(), c.operandBits(), c.tiles(), c.tileLatency(),
                        c.computeCycles(), c.dramCycles(), c.memoryBound() ? "DRAM" : "compute",
                        c.refetch().weightFetches() + "W/" + c.refetch().inputFetches() + "I", c.totalPj() * 1e-6));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** BitMoD versus ANT and OliVe: geometric and arithmetic means per phase and overall, beside the paper. */
    public static String summary(Evaluation e) {
        StringBuilder b = new StringBuilder("BitMoD vs ANT / OliVe (mean over models; 'all' = every model x phase point)\n");
        b.append(String.format(Locale.ROOT, "%-8s %-9s %-8s %6s %10s %10s %7s%n",
                "metric", "baseline", "scope", "points", "geomean", "arithmean", "paper"));
        for (MeanRatio m : e.bitmodMeans()) {
            b.append(String.format(Locale.ROOT, "%-8s %-9s %-8s %6d %9.3fx %9.3fx %7s%n", m.metric(), m.baseline(),
                    m.scope(), m.points(), m.geometric(), m.arithmetic(),
                    Double.isNaN(m.paper()) ? "-" : String.format(Locale.ROOT, "%.2fx", m.paper())));
        }
        return b.toString();
    }

    /** The points and the summary as one JSON object. */
    public static String json(Evaluation e) {
        StringBuilder b = new StringBuilder("{\n");
        b.append(String.format(Locale.ROOT, "  \"context\": %d,\n  \"clock_hz\": %.1f,\n  \"latency_rule\": \"%s\",\n  \"points\": [\n",
                e.context(), HardwareConstants.CLOCK_HZ, e.latencyRule().name().toLowerCase(Locale.ROOT)));
        for (int k = 0; k < e.points().size(); k++) {
            SimPoint p = e.points().get(k);
            RunResult r = p.result();
            b.append(String.format(Locale.ROOT,
                    "    {\"mode\": \"%s\", \"model\": \"%s\", \"design\": \"%s\", \"array\": [%d, %d], "
                            + "\"weight_bits\": %s, \"cycles\": %d, \"compute_cycles\": %d, \"dram_cycles\": %d, "
                            + "\"dram_bytes\": %d, \"latency_s\": %s, \"compute_uj\": %s, \"sram_uj\": %s, "
                            + "\"dram_uj\": %s, \"energy_uj\": %s, \"speedup_vs_fp16\": %s, \"energy_efficiency_vs_fp16\": %s}%s%n",
                    p.phase().id(), escape(p.model().id()), p.design().id(), r.array().rows(), r.array().cols(),
                    num(p.design().weightBits(p.model(), p.phase())), r.cycles(), r.computeCycles(), r.dramCycles(),
                    r.dramBytes(), num(r.latencySeconds()), num(r.computeUj()), num(r.sramUj()), num(r.dramUj()),
                    num(r.energyUj()), num(p.speedupVsFp16()), num(p.energyEfficiencyVsFp16()),
                    k + 1 < e.points().size() ? "," : ""));
        }
        b.append("  ],\n  \"bitmod_means\": [\n");
        var means = e.bitmodMeans();
        for (int k = 0; k < means.size(); k++) {
            MeanRatio m = means.get(k);
            b.append(String.format(Locale.ROOT,
                    "    {\"metric\": \"%s\", \"baseline\": \"%s\", \"scope\": \"%s\", \"points\": %d, "
                            + "\"geometric\": %s, \"arithmetic\": %s, \"paper\": %s}%s%n",
                    m.metric(), m.baseline(), m.scope(), m.points(), num(m.geometric()), num(m.arithmetic()),
                    Double.isNaN(m.paper()) ? "null" : num(m.paper()), k + 1 < means.size() ? "," : ""));
        }
        b.append("  ]\n}\n");
        return b.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
