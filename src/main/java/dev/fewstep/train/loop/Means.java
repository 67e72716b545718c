package dev.fewstep.train.loop;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running means of metrics by name over one interval; NaN (not computed, or a skipped update) is left out. */
public final class Means {
    private final Map<String, double[]> sums = new LinkedHashMap<>();

    public void add(Map<String, Double> values) {
        values.forEach((name, value) -> {
            double[] sum = sums.computeIfAbsent(name, k -> new double[2]);
            if (Double.isFinite(value)) {
                sum[0] += value;
                sum[1]++;
            }
        });
    }

    /** The means in the order the names first came; NaN for a name that never had a finite value. */
    public Map<String, Double> means() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((name, sum) -> out.put(name, sum[1] > 0 ? sum[0] / sum[1] : Double.NaN));
        return out;
    }
}
