package dev.fewstep.adaptive;

import dev.fewstep.metrics.FrechetDistance;
import dev.fewstep.metrics.GaussianStatistics;

/**
 * The yardstick's numbers for one assignment of actions to the samples of a quality table, from the stored
 * features and scores: nothing is generated again.
 *
 * @param score prompt accuracy (the classifier's argmax is the prompt's class), as {@code eval} reports it
 * @param scoreStandardError its standard error over the samples
 * @param probability mean p(c | x) of the prompt's class
 * @param realism mean r(x)
 */
public record MixScore(String name, int n, double meanNfe, double fid, double score, double scoreStandardError,
        double probability, double realism) {

    /** @param actionOf the action of each sample in {@code samples} */
    public static MixScore of(String name, QualityTable table, int[] samples, int[] actionOf, GaussianStatistics reference) {
        int n = samples.length;
        int dim = table.featureDim();
        float[] features = new float[n * dim];
        double nfe = 0;
        double correct = 0;
        double squares = 0;
        double probability = 0;
        double realism = 0;
        for (int i = 0; i < n; i++) {
            int s = samples[i];
            int a = actionOf[i];
            System.arraycopy(table.imageFeatures(), (s * table.actionCount() + a) * dim, features, i * dim, dim);
            nfe += table.nfe()[a];
            double c = table.correct(s, a);
            correct += c;
            squares += c * c;
            probability += table.probability(s, a);
            realism += table.realism(s, a);
        }
        double mean = correct / n;
        double variance = n < 2 ? Double.NaN : (squares - n * mean * mean) / (n - 1);
        double fid = FrechetDistance.between(GaussianStatistics.of(features, n, dim), reference);
        return new MixScore(name, n, nfe / n, fid, mean, Math.sqrt(variance / n), probability / n, realism / n);
    }

    /** Whether this reaches {@code target}'s quality: FID at most 2 % above it and score within one standard error. */
    public boolean reaches(MixScore target) {
        return fid <= target.fid * 1.02 && score >= target.score - target.scoreStandardError;
    }
}
