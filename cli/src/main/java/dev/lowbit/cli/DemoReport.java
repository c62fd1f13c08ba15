package dev.lowbit.cli;

import dev.lowbit.accelsim.eval.Evaluation;
import dev.lowbit.accelsim.eval.MeanRatio;
import dev.lowbit.accelsim.eval.SimReport;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code lowbit-report/}: {@code summary.md} with every table the demo printed, and three
 * PNG charts — honest bits vs attention error of the KV schemes, GEMV throughput, accelerator
 * speed-ups. The same {@code format*} methods render the console tables, so the report and the
 * console always agree.
 */
final class DemoReport {
    static final String KV_CHART = "kv-bits-vs-error.png";
    static final String GEMV_CHART = "gemv-throughput.png";
    static final String ACCEL_CHART = "accel-speedup.png";

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private DemoReport() {}

    static String kvTable(KvDemo.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "| scheme | payload bits | honest bits | memory (MiB) | K rel err | V rel err | attn cosine | attn rel L2 | SIMD vs reference | ms / decode step | vs fp32 |%n"));
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        double fp32 = r.row("fp32").msPerStep();
        for (KvDemo.Row x : r.rows()) {
            boolean timed = !Double.isNaN(x.msPerStep());
            b.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %s | %.3f | %.3f | %.4f | %.4f | %s | %s | %s |%n",
                    x.scheme(), x.payloadBits(), x.honestBits(), x.bytes() < 0 ? "–" : String.format(Locale.ROOT, "%.2f", x.bytes() / 1048576.0),
                    x.kRelErr(), x.vRelErr(), x.attnCosMean(), x.attnRelL2(),
                    timed ? String.format(Locale.ROOT, "%.2e", x.fusedRelL2()) : "–",
                    timed ? String.format(Locale.ROOT, "%.3f", x.msPerStep()) : "–",
                    timed ? String.format(Locale.ROOT, "%.2fx", fp32 / x.msPerStep()) : "–"));
        }
        return b.toString();
    }

    static String weightsTable(WeightsDemo.Result r) {
        StringBuilder b = new StringBuilder("| scheme | bits | honest bits | MSE | rel err |\n|---|---|---|---|---|\n");
        for (WeightsDemo.ErrorRow e : r.errors()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4e | %.5f |%n", e.scheme(), e.bits(), e.honestBits(), e.mse(), e.relErr()));
        }
        return b.toString();
    }

    static String gemvTable(WeightsDemo.Result r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "| kernel | weight MiB | ms / GEMV (1 thread) | GB/s of weights (1 thread) | vs fp32 (1 thread) | ms / GEMV (%d threads) | vs fp32 (%d threads) | rel err vs fp32 |%n"
                        + "|---|---|---|---|---|---|---|---|%n", r.threads(), r.threads()));
        WeightsDemo.GemvRow fp32 = r.gemv().get(0);
        for (WeightsDemo.GemvRow g : r.gemv()) {
            b.append(String.format(Locale.ROOT, "| %s | %.2f | %.3f | %.1f | %.2fx | %.3f | %.2fx | %.4f |%n", g.kernel(),
                    g.weightBytes() / 1048576.0, g.ms1(), g.gbPerS1(), fp32.ms1() / g.ms1(), g.msN(), fp32.msN() / g.msN(),
                    g.relErrVsFp32()));
        }
        return b.toString();
    }

    static String accelTable(Evaluation e) {
        StringBuilder b = new StringBuilder("| BitMoD vs | scope | points | geometric mean | arithmetic mean | paper |\n|---|---|---|---|---|---|\n");
        for (MeanRatio m : e.bitmodMeans()) {
            if (!m.metric().equals("speedup")) {
                continue;
            }
            String paper = m.scope().equals("all") && !Double.isNaN(m.paper()) ? String.format(Locale.ROOT, "%.2fx", m.paper()) : "";
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3fx | %.3fx | %s |%n", m.baseline(), m.scope(), m.points(),
                    m.geometric(), m.arithmetic(), paper));
        }
        return b.toString();
    }

    static void write(Path dir, String machine, KvDemo.Result kv, WeightsDemo.Result w, Evaluation accel) throws IOException {
        Files.createDirectories(dir);
        BitmapEncoder.saveBitmap(kvChart(kv), dir.resolve(KV_CHART).toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(gemvChart(w), dir.resolve(GEMV_CHART).toString(), BitmapEncoder.BitmapFormat.PNG);
        SimChart.write(accel, dir.resolve(ACCEL_CHART));
        String md = "# lowbit demo report\n\n"
                + "Machine: " + machine + "\n\n"
                + "Timings here are the demo's quick medians (warm-up, then the median of repeated runs); the README's\n"
                + "performance table comes from JMH (`./lowbit bench`).\n\n"
                + "## 1. Quantized KV cache and fused decode attention\n\n"
                + String.format(Locale.ROOT, "Synthetic video-LLM cache: %d tokens, %d query / %d KV heads, d = %d, groups of %d tokens, "
                        + "residual window %d (FP32), VidKV salient ratio %.2f; accuracy over %d decode queries per head against exact FP32 "
                        + "attention; %d thread(s).%n%n", kv.tokens(), KvDemo.Q_HEADS, KvDemo.KV_HEADS, KvDemo.HEAD_DIM, KvDemo.GROUP,
                        KvDemo.RESIDUAL, KvDemo.SALIENT_RATIO, kv.queries(), kv.threads())
                + kvTable(kv) + "\n![honest bits vs attention error](" + KV_CHART + ")\n\n"
                + "## 2. BitMoD weights and low-bit GEMV\n\n"
                + String.format(Locale.ROOT, "Synthetic LLM-like weight %dx%d, groups of %d along the input dimension.%n%n",
                        w.rows(), w.cols(), WeightsDemo.GROUP)
                + weightsTable(w) + "\nBitMoD (4-bit) datatypes chosen: " + w.bitmodTypes() + "\n\n"
                + String.format(Locale.ROOT, "GEMV y = W·x, %d thread(s):%n%n", w.threads())
                + gemvTable(w) + "\n![GEMV throughput](" + GEMV_CHART + ")\n\n"
                + "## 3. Accelerator model (BitMoD vs ANT, OliVe, FP16)\n\n"
                + "```\n" + SimReport.table(accel) + "```\n\n" + accelTable(accel) + "\n![accelerator speed-ups](" + ACCEL_CHART + ")\n";
        Files.writeString(dir.resolve("summary.md"), md);
    }

    private static XYChart kvChart(KvDemo.Result r) {
        XYChart c = new XYChartBuilder().width(900).height(520).title("KV cache: honest bits vs attention error (" + r.tokens() + " tokens)")
                .xAxisTitle("honest bits per element (codes + metadata + FP32 residual window)")
                .yAxisTitle("attention output relative L2 error").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(12);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (KvDemo.Row x : r.rows()) {
            if (!x.scheme().equals("fp32")) {
                XYSeries s = c.addSeries(String.format(Locale.ROOT, "%s (%.2f bits)", x.scheme(), x.honestBits()),
                        new double[] {x.honestBits()}, new double[] {x.attnRelL2()});
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return c;
    }

    private static CategoryChart gemvChart(WeightsDemo.Result r) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(480)
                .title(String.format(Locale.ROOT, "GEMV %dx%d: speed-up vs FP32 SIMD GEMV", r.rows(), r.cols()))
                .xAxisTitle("kernel").yAxisTitle("speed-up vs FP32 SIMD (x)").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setYAxisDecimalPattern("0.0");
        List<String> x = new ArrayList<>();
        List<Double> y1 = new ArrayList<>();
        List<Double> yn = new ArrayList<>();
        WeightsDemo.GemvRow fp32 = r.gemv().get(0);
        for (WeightsDemo.GemvRow g : r.gemv()) {
            x.add(g.kernel());
            y1.add(fp32.ms1() / g.ms1());
            yn.add(fp32.msN() / g.msN());
        }
        c.addSeries("1 thread", x, y1);
        c.addSeries(r.threads() + " threads", x, yn);
        return c;
    }
}
