package io.daxkv.bench.ycsb;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The matrix's chart (JFreeChart, PNG): daxkv's run throughput over the best peer's, one bar
 * group per workload, one bar per comparison (embedded or server against Redis, durability
 * group, threads), each bar labelled with its ratio and the peer it is against, and a line at
 * 1.0 (level with the best peer). Drawn headless.
 */
final class RatioChart {

    static final int WIDTH = 1200;
    static final int HEIGHT = 700;

    private RatioChart() {
    }

    static void write(Path png, String title, String subtitle, List<Ratios.Ratio> ratios, int width, int height)
            throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // Bar groups in workload order, bars in (kind, durability, threads) order; a missing
        // comparison is a null value so every group keeps the same slots.
        List<Ratios.Ratio> sorted = ratios.stream()
                .sorted(Comparator.comparing((Ratios.Ratio r) -> r.kind())
                        .thenComparing(Ratios.Ratio::durability)
                        .thenComparingInt(Ratios.Ratio::threads))
                .toList();
        Set<String> series = new LinkedHashSet<>();
        sorted.forEach(r -> series.add(r.series()));
        Set<Character> workloads = new TreeSet<>();
        ratios.forEach(r -> workloads.add(r.workload()));
        DefaultCategoryDataset ordered = new DefaultCategoryDataset();
        Map<String, String> peers = new HashMap<>(); // "series|workload" -> best peer, for the bar labels
        for (char w : workloads) {
            String column = "workload " + Character.toUpperCase(w);
            for (String s : series) {
                Double v = null;
                for (Ratios.Ratio r : sorted) {
                    if (r.workload() == w && r.series().equals(s)) {
                        v = r.ratio();
                        peers.put(s + "|" + column, r.bestPeer().id);
                    }
                }
                ordered.addValue(v, s, column);
            }
        }

        JFreeChart chart = ChartFactory.createBarChart(title, null, "daxkv ops/s / best peer ops/s", ordered,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        if (subtitle != null) {
            chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        }
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setNoDataMessage("No comparison: no daxkv row and peer row of one workload, group and threads ran OK");
        double max = ratios.stream().mapToDouble(Ratios.Ratio::ratio).max().orElse(1.0);
        NumberAxis range = (NumberAxis) plot.getRangeAxis();
        range.setRange(0.0, Math.max(1.25, max * 1.15));

        ValueMarker level = new ValueMarker(1.0, Color.BLACK, new BasicStroke(2.0f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10.0f, new float[] {6.0f, 4.0f}, 0.0f));
        level.setLabel("1.0 = best peer");
        level.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        level.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(level);

        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")) {
            private static final long serialVersionUID = 1L;

            @Override
            public String generateLabel(CategoryDataset dataset, int row, int column) {
                String peer = peers.get(dataset.getRowKey(row) + "|" + dataset.getColumnKey(column));
                return super.generateLabel(dataset, row, column) + (peer != null ? " vs " + peer : "");
            }
        });
        bars.setDefaultItemLabelsVisible(true);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }
}
