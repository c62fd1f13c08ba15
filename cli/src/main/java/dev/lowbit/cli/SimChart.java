package dev.lowbit.cli;

import dev.lowbit.accelsim.eval.Evaluation;
import dev.lowbit.accelsim.eval.SimPoint;
import dev.lowbit.accelsim.model.Design;
import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.Phase;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws an {@link Evaluation} like the paper's Fig. 7 / Fig. 8: grouped bars per model (one bar a
 * design) plus a geometric-mean group, speed-up and energy efficiency normalised to the FP16
 * baseline; one row of two panels per phase, stacked into one PNG. Headless (no display needed).
 */
public final class SimChart {
    private static final int PANEL_W = 900;
    private static final int PANEL_H = 420;
    private static final Color[] DESIGN_COLORS = {
        new Color(0x9E9E9E), new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0x8172B3)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private SimChart() {
    }

    /** Writes the chart of {@code e} as a PNG to {@code out} (parent directories must exist). */
    public static void write(Evaluation e, Path out) throws IOException {
        BufferedImage img = render(e);
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) {
            throw new java.nio.file.NoSuchFileException(abs.getParent().toString(), null, "chart: directory does not exist");
        }
        if (!ImageIO.write(img, "png", out.toFile())) {
            throw new IOException("chart: no PNG writer available in this JDK");
        }
    }

    /** The chart as an image: rows = phases, columns = speed-up and energy efficiency. */
    public static BufferedImage render(Evaluation e) {
        List<Phase> phases = e.phases();
        BufferedImage all = new BufferedImage(2 * PANEL_W, phases.size() * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, all.getWidth(), all.getHeight());
            for (int r = 0; r < phases.size(); r++) {
                Phase p = phases.get(r);
                g.drawImage(BitmapEncoder.getBufferedImage(panel(e, p, "speed-up", SimPoint::speedupVsFp16)),
                        0, r * PANEL_H, null);
                g.drawImage(BitmapEncoder.getBufferedImage(panel(e, p, "energy efficiency",
                        SimPoint::energyEfficiencyVsFp16)), PANEL_W, r * PANEL_H, null);
            }
        } finally {
            g.dispose();
        }
        return all;
    }

    private static CategoryChart panel(Evaluation e, Phase phase, String metric, ToDoubleFunction<SimPoint> value) {
        CategoryChart c = new CategoryChartBuilder().width(PANEL_W).height(PANEL_H)
                .title(phase.id() + " (context " + e.context() + "): " + metric + " vs FP16")
                .xAxisTitle("model").yAxisTitle(metric + " (x)").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setAvailableSpaceFill(0.8);
        c.getStyler().setYAxisDecimalPattern("0.0");
        Map<Design, List<Double>> byDesign = new LinkedHashMap<>();
        for (SimPoint pt : e.points()) {
            if (pt.phase() == phase) {
                byDesign.computeIfAbsent(pt.design(), d -> new ArrayList<>()).add(value.applyAsDouble(pt));
            }
        }
        List<String> x = new ArrayList<>();
        for (ModelConfig m : e.models()) {
            x.add(m.displayName());
        }
        x.add("Geomean");
        List<Color> colors = new ArrayList<>();
        int k = 0;
        for (Map.Entry<Design, List<Double>> d : byDesign.entrySet()) {
            List<Double> y = new ArrayList<>(d.getValue());
            y.add(Evaluation.geometricMean(d.getValue()));
            c.addSeries(d.getKey().displayName(), x, y);
            colors.add(DESIGN_COLORS[k++ % DESIGN_COLORS.length]);
        }
        c.getStyler().setSeriesColors(colors.toArray(Color[]::new));
        return c;
    }
}
