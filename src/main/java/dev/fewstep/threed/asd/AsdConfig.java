package dev.fewstep.threed.asd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of an ASD or SDS distillation into the amortized generator, stored as JSON in the model's metadata.
 * Defaults (one place: {@link #DEFAULTS}) follow ScaleDreamer's guidance config where it has one: t in
 * [0.02, 0.98] T, η = 0.1, w(t) = 1 − ᾱ_t; the guidance scale is lower than its 7.5 (a small teacher over-saturates).
 *
 * @param loss ASD or SDS
 * @param guidanceScale ω of the guided prediction
 * @param minTime t_min / T
 * @param maxTime t_max / T
 * @param eta η of ASD's later time t⁺ = t + ⌊η (t − t_min) u⌋
 * @param learningRate Adam's step size for the generator
 * @param run batch, iterations, seed and intervals
 * @param generator the generator's shape
 */
public record AsdConfig(ScoreDistillationLoss.Kind loss, double guidanceScale, double minTime, double maxTime,
        double eta, double learningRate, Run run, GeneratorConfig generator) {

    /** @param batch prompts per iteration, each seen from one random camera */
    public record Run(int batch, long iterations, long seed, int checkpointEvery, int probeEvery) {}

    public static final AsdConfig DEFAULTS = new AsdConfig(ScoreDistillationLoss.Kind.ASD, 3.0, 0.02, 0.98, 0.1, 1e-3,
            new Run(8, 2000, 1, 100, 100), GeneratorConfig.DEFAULTS);
    private static final ObjectMapper JSON = new ObjectMapper();

    public AsdConfig validated() {
        List<String> errors = new ArrayList<>();
        if (loss == null) errors.add("loss (asd or sds)");
        if (!(guidanceScale >= 0 && guidanceScale <= 50)) errors.add("guidance scale " + guidanceScale + " (0 to 50)");
        if (!(learningRate > 0 && learningRate < 1)) errors.add("learning rate " + learningRate + " (above 0, below 1)");
        if (run.batch() < 1 || run.batch() > 256) errors.add("batch " + run.batch() + " (1 to 256)");
        if (run.iterations() < 1) errors.add("iterations " + run.iterations() + " (at least 1)");
        if (run.checkpointEvery() < 1 || run.probeEvery() < 1) errors.add("checkpoint and probe intervals (at least 1)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("distillation settings out of range: " + String.join(", ", errors));
        }
        times();
        generator.validated();
        return this;
    }

    public DiffusionTimes times() {
        return new DiffusionTimes(minTime, maxTime, loss == ScoreDistillationLoss.Kind.ASD ? eta : 0);
    }

    /** What a resume may not change: everything but the iterations and the intervals. */
    public String differencesFrom(AsdConfig saved) {
        AsdConfig a = withRunOf(saved);
        return a.equals(saved) ? "" : "saved " + saved.toJson() + ", now " + a.toJson();
    }

    private AsdConfig withRunOf(AsdConfig other) {
        Run r = new Run(run.batch(), other.run.iterations(), run.seed(), other.run.checkpointEvery(), other.run.probeEvery());
        return new AsdConfig(loss, guidanceScale, minTime, maxTime, eta, learningRate, r, generator);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static AsdConfig fromJson(String json, String source) {
        try {
            return JSON.readValue(json, AsdConfig.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CheckpointException(source + " has no valid distillation settings: " + e.getMessage(), e);
        }
    }
}
