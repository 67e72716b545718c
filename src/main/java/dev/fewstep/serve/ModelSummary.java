package dev.fewstep.serve;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generator;
import dev.fewstep.model.ModelInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How {@code GET /v1/models} describes a model.
 *
 * @param kind the role of the model's kind: "teacher" (sampled with a sampler, many NFE) or "student" (distilled)
 * @param method the file's own kind: "teacher", or the distillation method such as "sid"
 * @param nfeOptions suggested ways to run it; a teacher also takes any sampler and step count within the limits
 * @param scores the numeric entries of the model's metadata (training loss now; measured quality scores as they land)
 * @param details the other metadata entries, as text
 * @param loaded whether the weights are in memory (the first request to a model pays for loading it)
 */
public record ModelSummary(String name, String kind, String method, String dataset, long step, int imageSize,
        int channels, List<String> prompts, List<NfeOption> nfeOptions, Map<String, Double> scores,
        Map<String, String> details, boolean loaded) {
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
        return new ModelSummary(entry.name(), info.modelKind().role(), info.kind(), info.dataset(), info.step(),
                info.imageSize(), info.imageChannels(), info.prompts(), nfeOptions(info), scores,
                details, loaded);
    }

    /** The generator's presets, without the settings it does not read. */
    static List<NfeOption> nfeOptions(ModelInfo info) {
        // Built on a null denoiser: presets and NFE are known from the kind and the metadata alone, without weights.
        Generator generator = info.modelKind().generator(info, null);
        Set<Budget.Setting> reads = generator.reads();
        return generator.presets().stream().map(budget -> new NfeOption(
                reads.contains(Budget.Setting.SAMPLER) ? budget.sampler() : null,
                reads.contains(Budget.Setting.STEPS) ? budget.steps() : null, generator.nfe(budget))).toList();
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
