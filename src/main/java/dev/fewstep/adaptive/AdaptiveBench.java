package dev.fewstep.adaptive;

import dev.fewstep.generate.Generation;
import dev.fewstep.metrics.Benchmark;
import dev.fewstep.metrics.EvalResult;
import dev.fewstep.metrics.EvalSettings;
import dev.fewstep.metrics.Evaluator;
import dev.fewstep.metrics.PromptSpread;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * {@code bench}'s adaptive row: a policy on the yardstick's own samples (the same prompts, spread over the vocabulary,
 * and the same seeds as every fixed row), each sample made by the action the policy picks for its prompt and scored
 * as one set. Its mean NFE then stands beside the fixed actions' FID and prompt score.
 */
public final class AdaptiveBench {
    private AdaptiveBench() {}

    /**
     * @param base n and seed of the bench (sampler, steps and cfg are the actions' own)
     * @param onImages hears the number of images made so far
     */
    public static Benchmark.MixRow measure(Policy policy, ActionSet actions, Evaluator evaluator, EvalSettings base,
            LongConsumer onImages) {
        if (!policy.actions().equals(actions.specs())) {
            throw new IllegalArgumentException("policy actions " + policy.actions() + " differ from " + actions.specs());
        }
        long start = System.nanoTime();
        List<String> vocabulary = evaluator.reference().prompts();
        int n = base.n();
        int[] promptIndex = PromptSpread.indices(n, vocabulary.size());
        Map<String, Integer> chosen = new HashMap<>();
        Map<String, Integer> choices = new LinkedHashMap<>();
        policy.actions().forEach(a -> choices.put(a, 0));
        int[] nfe = actions.nfe();
        float[] pixels = null;
        double seconds = 0;
        long totalNfe = 0;
        for (int i = 0; i < n; i++) {
            String prompt = vocabulary.get(promptIndex[i]);
            int a = chosen.computeIfAbsent(prompt, policy::choose);
            // One image at a time: the samples of one action do not have consecutive seeds.
            Generation.Result image = actions.generate(a, List.of(prompt), base.seed() + i);
            int length = image.pixels().length;
            if (pixels == null) {
                pixels = new float[n * length];
            }
            System.arraycopy(image.pixels(), 0, pixels, i * length, length);
            seconds += image.seconds();
            totalNfe += nfe[a];
            choices.merge(policy.actions().get(a), 1, Integer::sum);
            onImages.accept(i + 1);
        }
        double meanNfe = (double) totalNfe / n;
        EvalResult r = evaluator.score(actions.teacher(), base, pixels, promptIndex, (int) Math.round(meanNfe), seconds,
                start);
        EvalResult named = new EvalResult("policy " + policy.name(), "policy", 0, null, 0, Double.NaN, r.nfe(), r.n(),
                r.seed(), r.fid(), r.fidFloor(), r.floorCount(), r.precision(), r.recall(), r.floorPrecision(),
                r.floorRecall(), r.scoreName(), r.score(), r.scoreStandardError(), r.referenceScore(), r.mismatchedScore(),
                r.features(), r.reference(), r.referenceCount(), r.generationSeconds(), r.totalSeconds());
        return new Benchmark.MixRow("policy " + policy.name(), meanNfe, choices, named);
    }
}
