package dev.fewstep.serve;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.sample.Sampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code GET /v1/models} describes a model.
 *
 * @param kind "teacher" (sampled with a sampler, many NFE) or "student" (a one-step generator)
 * @param method the file's own kind: "teacher", or the distillation method such as "sid"
 * @param nfeOptions suggested ways to run it; a teacher also takes any sampler and step count within the limits
 * @param scores the numeric entries of the model's metadata (training loss now; measured quality scores as they land)
 * @param details the other metadata entries, as text
 * @param loaded whether the weights are in memory (the first request to a model pays for loading it)
 */
public record ModelSummary(String name, String kind, String method, String dataset, long step, int imageSize,
        int channels, List<String> prompts, List<NfeOption> nfeOptions, Map<String, Double> scores,
        Map<String, String> details, boolean loaded) {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";
    /** The teacher presets: a budget like the EDM paper's 35, a cheaper 10 and a rough 5. */
    static final int[] PRESET_NFE = {35, 10, 5};

    /** One way to run a model; sampler and steps are null for a one-step student. */
    public record NfeOption(String sampler, Integer steps, int nfe) {}

    public static ModelSummary of(ModelRegistry.Entry entry, boolean loaded) {
        ModelInfo info = entry.info();
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        info.extra().forEach((key, value) -> {
            Double number = finiteNumber(value);
            if (number != null) {
                scores.put(key, number);
            } else {
                details.put(key, value);
            }
        });
        return new ModelSummary(entry.name(), kindOf(info), info.kind(), info.dataset(), info.step(),
                info.config().imageSize(), info.config().imageChannels(), info.prompts(), nfeOptions(info), scores,
                details, loaded);
    }

    public static String kindOf(ModelInfo info) {
        return info.isOneStep() ? STUDENT : TEACHER;
    }

    static List<NfeOption> nfeOptions(ModelInfo info) {
        if (info.isOneStep()) {
            return List.of(new NfeOption(null, null, 1));
        }
        List<NfeOption> options = new ArrayList<>();
        for (int target : PRESET_NFE) {
            for (String name : Sampler.NAMES) {
                Sampler sampler = Sampler.named(name);
                int steps = Math.min(sampler.stepsForNfe(target), GenerateRequest.MAX_STEPS);
                NfeOption option = new NfeOption(name, steps, sampler.nfe(steps));
                if (!options.contains(option)) {
                    options.add(option);
                }
            }
        }
        return options;
    }

    private static Double finiteNumber(String value) {
        try {
            double number = Double.parseDouble(value.strip());
            return Double.isFinite(number) ? number : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }
}
