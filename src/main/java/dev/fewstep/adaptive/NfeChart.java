package dev.fewstep.adaptive;

import dev.fewstep.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The policy's mean NFE per prompt group (a class, or an emoji category) as bars, beside the cheapest fixed action of the same quality. */
public final class NfeChart {
    private NfeChart() {}

    public static void write(PolicyEvaluation evaluation, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> groups = new ArrayList<>();
        List<Double> policy = new ArrayList<>();
        evaluation.nfeByClass().forEach((group, nfe) -> {
            if (!nfe.isNaN()) { // a group none of whose prompts is among the held-out samples
                groups.add(group);
                policy.add(nfe);
            }
        });
        CategoryChart chart = new CategoryChartBuilder().width(900).height(480).title(title)
                .xAxisTitle("prompt group (held-out prompts)").yAxisTitle("mean NFE per image").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries(String.format(java.util.Locale.ROOT, "policy (mean %.2f NFE)", evaluation.policy().meanNfe()),
                groups, policy);
        MixScore match = evaluation.cheapestMatch();
        if (match != null) {
            chart.addSeries("cheapest fixed action of the same quality: " + match.name(), groups,
                    Collections.nCopies(groups.size(), match.meanNfe()));
        }
        AtomicFile.write(png, fresh -> Files.write(fresh, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
    }
}
