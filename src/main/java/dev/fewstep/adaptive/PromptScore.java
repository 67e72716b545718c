package dev.fewstep.adaptive;

import dev.fewstep.metrics.features.FeatureModel;
import java.util.List;

/**
 * The two prompt numbers a quality table stores per image, from one pass of the yardstick's feature network.
 *
 * <pre>
 *   classifier (Fashion):  term s(x) = p(c | x)                          score = 1[argmax p(· | x) = c]
 *   CLIP (emoji):          term s(x) = clip(a(x) / a_real, 0, 1)         score = a(x)
 *       a(x)   = cos(image embedding of x, text embedding of the prompt)   the alignment {@code eval} reports
 *       a_real = mean a(y) of the real reference images under their own names
 * </pre>
 *
 * The term enters the quality Q = s(x) + λ r(x) (docs/adaptive.md); dividing the alignment by the real images'
 * puts it on the realism term's scale, 1 meaning "as aligned as a real emoji". The score is what the yardstick
 * reports, so a policy's rows read like {@code eval}'s.
 *
 * @param features (count * dim) image features, for FID and the realism term
 * @param term s(x) per image
 * @param score the yardstick's prompt score per image
 */
public record PromptScore(float[] features, float[] term, float[] score) {

    /** s(x) of an image of alignment {@code alignment} when real images align {@code realAlignment} on average. */
    public static double alignmentTerm(double alignment, double realAlignment) {
        if (!(realAlignment > 0)) {
            throw new IllegalArgumentException("the real images' alignment must be positive, got " + realAlignment);
        }
        return Math.max(0, Math.min(1, alignment / realAlignment));
    }

    /**
     * @param realAlignment a_real (the reference set's prompt score); read only for a CLIP network
     */
    public static PromptScore of(FeatureModel features, float[] pixels, List<Prompts.Prompt> prompts, double realAlignment) {
        int n = prompts.size();
        float[] term = new float[n];
        float[] score = new float[n];
        if (features.scoreName().equals("alignment")) {
            FeatureModel.Measurement m = features.measure(pixels, n,
                    List.of(prompts.stream().map(Prompts.Prompt::text).toList()));
            float[] alignment = m.promptScores().get(0);
            for (int s = 0; s < n; s++) {
                term[s] = (float) alignmentTerm(alignment[s], realAlignment);
                score[s] = alignment[s];
            }
            return new PromptScore(m.features(), term, score);
        }
        FeatureModel.ClassMeasurement m = features.measureClasses(pixels, n);
        for (int s = 0; s < n; s++) {
            int c = prompts.get(s).classIndex();
            int row = s * m.classes();
            term[s] = m.probabilities()[row + c];
            score[s] = argmax(m.probabilities(), row, m.classes()) == c ? 1 : 0;
        }
        return new PromptScore(m.features(), term, score);
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
