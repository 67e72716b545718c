package dev.fewstep.metrics;

import dev.fewstep.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a benchmark as two panels: FID against NFE (log x) and FID against images per second (log x). */
public final class BenchPlot {
    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 480;

    private BenchPlot() {}

    public static void write(Benchmark.Report report, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart byNfe = chart(report, "FID against NFE", "NFE (network evaluations per image)", true);
        XYChart bySpeed = chart(report, "FID against speed", "images per second", false);
        AtomicFile.write(png, fresh -> {
            try (OutputStream out = Files.newOutputStream(fresh)) {
                BitmapEncoder.saveBitmap(List.of(byNfe, bySpeed), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }

    private static XYChart chart(Benchmark.Report report, String title, String xTitle, boolean againstNfe) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                .title(title + " (" + report.model() + ", n = " + report.n() + ")").xAxisTitle(xTitle).yAxisTitle("FID").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(false); // NFE 1..35 spans less than two decades
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        double minX = Double.POSITIVE_INFINITY;
        double maxX = 0;
        for (Benchmark.Row row : report.rows()) {
            EvalResult r = row.result();
            String name = r.sampler() == null ? row.method() : r.sampler();
            double x = againstNfe ? r.nfe() : r.imagesPerSecond();
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, r.fid()});
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
        }
        for (Benchmark.MixRow mix : report.mixes()) { // a policy's point at its mean NFE
            double x = againstNfe ? mix.meanNfe() : mix.result().imagesPerSecond();
            series.computeIfAbsent(mix.method(), k -> new ArrayList<>()).add(new double[] {x, mix.result().fid()});
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
        }
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            List<double[]> points = new ArrayList<>(e.getValue());
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            XYSeries s = chart.addSeries(e.getKey(), points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (maxX > 0) {
            XYSeries floor = chart.addSeries("real-vs-real floor", new double[] {minX, maxX},
                    new double[] {report.floor().fid(), report.floor().fid()});
            floor.setMarker(SeriesMarkers.NONE);
            floor.setLineColor(Color.GRAY);
            floor.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        return chart;
    }
}
