package dev.fewstep.train.loop;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A run's history, one JSON object per probe, e.g.
 * {@code {"iteration":200,"seconds":611.2,"fake_loss":0.21,"generator_loss":-0.003,"pixel_mean":-0.41,...,"fid":38.2}},
 * metrics averaged over the iterations since the previous line. {@link #plot} draws the FID (or, without a FID
 * probe, the losses) against iterations.
 */
public final class History {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public History(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void append(Map<String, Object> line) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Drops lines after {@code iteration}: a resumed run re-does those iterations and logs them again. */
    public void truncateAfter(long iteration) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (Map<String, Object> line : read(file)) {
            if (((Number) line.get("iteration")).longValue() <= iteration) {
                kept.append(JSON.writeValueAsString(line)).append('\n');
            }
        }
        AtomicFile.writeString(file, kept);
    }

    public static List<Map<String, Object>> read(Path file) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String text : Files.readAllLines(file)) {
            if (!text.isBlank()) {
                lines.add(JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {}));
            }
        }
        return lines;
    }

    /**
     * Plots a history as a PNG: the values named "fid" against iterations if there are any, else every value whose
     * name ends in "loss".
     *
     * @return the metric plotted ("fid" or "losses")
     */
    public static String plot(Path logFile, Path png) throws IOException {
        if (!Files.exists(logFile)) {
            throw new IllegalArgumentException("no training history at " + logFile);
        }
        System.setProperty("java.awt.headless", "true");
        List<Map<String, Object>> lines = read(logFile);
        boolean hasFid = lines.stream().anyMatch(l -> l.get("fid") instanceof Number);
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(hasFid ? "FID vs iterations" : "losses vs iterations (no FID probe in this history)")
                .xAxisTitle("iteration").yAxisTitle(hasFid ? "FID" : "loss").build();
        chart.getStyler().setLegendVisible(true);
        if (hasFid) {
            addSeries(chart, lines, "fid");
        } else {
            lines.stream().flatMap(line -> line.keySet().stream()).filter(key -> key.endsWith("loss")).distinct()
                    .forEach(key -> addSeries(chart, lines, key));
        }
        AtomicFile.write(png, fresh -> Files.write(fresh, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
        return hasFid ? "fid" : "losses";
    }

    private static void addSeries(XYChart chart, List<Map<String, Object>> lines, String key) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Map<String, Object> line : lines) {
            if (line.get(key) instanceof Number value && Double.isFinite(value.doubleValue())) {
                x.add(((Number) line.get("iteration")).doubleValue());
                y.add(value.doubleValue());
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(key, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
