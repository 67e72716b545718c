package dev.fewstep.train.loop;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures the model being trained every {@code probeEvery} iterations (and once before the first), e.g. a small
 * FID. The values go into the run's history next to the metrics, one JSON line per probe; a value named
 * {@code "fid"} is what the history plot shows.
 *
 * <p>The loop calls it with the shipped (weight-averaged) model, on the training thread, outside any gradient
 * collector; the probe must not keep the snapshot after it returns.
 */
@FunctionalInterface
public interface Probe {
    Map<String, Double> measure(Snapshot model, long iteration) throws IOException;

    Probe NONE = (model, iteration) -> Map.of();

    /** Runs this probe, then {@code other}, and merges their values. */
    default Probe and(Probe other) {
        return (model, iteration) -> {
            Map<String, Double> values = new LinkedHashMap<>(measure(model, iteration));
            values.putAll(other.measure(model, iteration));
            return values;
        };
    }
}
