package dev.fewstep.adaptive;

import dev.fewstep.generate.Generation;
import dev.fewstep.metrics.FrechetDistance;
import dev.fewstep.metrics.GaussianStatistics;
import dev.fewstep.metrics.features.FeatureModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * {@code eval --policy}: generates n held-out prompts (templated class names, or emoji names; seeds seed, seed + 1, …),
 * each with the action the policy picks for it, and scores them as the yardstick scores a model. Images are made one at a time, since the
 * samples of one action do not have consecutive seeds.
 *
 * @param histogram images per action
 */
public record PolicyRun(MixScore score, Map<String, Integer> histogram, double generationSeconds) {

    /** @param realAlignment a_real of {@link PromptScore}, read for a CLIP yardstick only */
    public static PolicyRun of(Policy policy, ActionSet actions, FeatureModel features, GaussianStatistics reference,
            double realAlignment, int n, long seed, IntConsumer onImages) {
        if (!policy.actions().equals(actions.specs())) {
            throw new IllegalArgumentException("policy actions " + policy.actions() + " differ from " + actions.specs());
        }
        List<Prompts.Prompt> prompts = PolicyPrompts.of(actions.teacher().info()).sample(Prompts.Split.EVAL, n);
        int dim = features.featureDim();
        float[] imageFeatures = new float[n * dim];
        double correct = 0;
        double squares = 0;
        double probability = 0;
        double nfe = 0;
        double seconds = 0;
        Map<String, Integer> histogram = new LinkedHashMap<>();
        policy.actions().forEach(a -> histogram.put(a, 0));
        for (int i = 0; i < n; i++) {
            Prompts.Prompt prompt = prompts.get(i);
            int a = policy.choose(prompt.text());
            Generation.Result image = actions.generate(a, List.of(prompt.text()), seed + i);
            seconds += image.seconds();
            PromptScore m = PromptScore.of(features, image.pixels(), List.of(prompt), realAlignment);
            System.arraycopy(m.features(), 0, imageFeatures, i * dim, dim);
            double c = m.score()[0];
            correct += c;
            squares += c * c;
            probability += m.term()[0];
            nfe += policy.nfe()[a];
            histogram.merge(policy.actions().get(a), 1, Integer::sum);
            onImages.accept(i + 1);
        }
        double mean = correct / n;
        double se = n < 2 ? Double.NaN : Math.sqrt((squares - n * mean * mean) / (n - 1) / n);
        double fid = FrechetDistance.between(GaussianStatistics.of(imageFeatures, n, dim), reference);
        return new PolicyRun(new MixScore("policy " + policy.name(), n, nfe / n, fid, mean, se, probability / n, Double.NaN),
                histogram, seconds);
    }
}
