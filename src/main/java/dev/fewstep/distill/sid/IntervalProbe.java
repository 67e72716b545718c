package dev.fewstep.distill.sid;

import java.io.IOException;
import java.util.Map;

/**
 * Measures the student every {@code probeEvery} iterations (and once before the first), e.g. a small FID. The
 * values go into {@code distill-log.jsonl} next to the losses, one JSON line per probe, so the metric-vs-iterations
 * curve can be plotted ({@link DistillLog#plot}). A value named {@code "fid"} is what the plot shows.
 *
 * <p>The distiller calls it with the weight-averaged generator (the weights it ships), on the training thread,
 * outside any gradient collector; the probe must not keep the snapshot after it returns.
 */
@FunctionalInterface
public interface IntervalProbe {
    Map<String, Double> measure(StudentSnapshot student, long iteration) throws IOException;

    IntervalProbe NONE = (student, iteration) -> Map.of();

    /** Runs this probe, then {@code other}, and merges their values. */
    default IntervalProbe and(IntervalProbe other) {
        return (student, iteration) -> {
            Map<String, Double> values = new java.util.LinkedHashMap<>(measure(student, iteration));
            values.putAll(other.measure(student, iteration));
            return values;
        };
    }
}
