package dev.fewstep.adaptive;

import dev.fewstep.metrics.GaussianStatistics;
import dev.fewstep.text.TextEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A policy against the fixed actions on the held-out samples of a quality table (templates it never saw, the same
 * seeds for everyone): its mean NFE, the cheapest fixed action that reaches its quality, and random assignments with
 * the same actions in the same proportions (so the same mean NFE) as the control that it learned something.
 *
 * @param fixed every action alone
 * @param cheapestMatch the cheapest fixed action whose quality reaches the policy's, or null if none does
 * @param random the mean over {@code randomDraws} shuffles of the policy's choices among the samples
 * @param randomBeaten in how many draws the policy had both the lower FID and the higher prompt score
 * @param histogram how many held-out samples got each action
 * @param nfeByClass the policy's mean NFE per class (prompt group)
 * @param microsPerChoice the policy's time per prompt, mean over many prompts (embedding given)
 */
public record PolicyEvaluation(MixScore policy, List<MixScore> fixed, MixScore cheapestMatch, MixScore random,
        int randomBeaten, int randomDraws, Map<String, Integer> histogram, Map<String, Double> nfeByClass,
        double microsPerChoice) {
    public static final int RANDOM_DRAWS = 20;

    public static PolicyEvaluation of(Policy policy, QualityTable table, List<String> classes, GaussianStatistics reference) {
        if (!policy.actions().equals(table.actions())) {
            throw new IllegalArgumentException("policy actions " + policy.actions() + " differ from the table's " + table.actions());
        }
        int[] samples = table.indices(true);
        if (samples.length < 2) {
            throw new IllegalArgumentException("the quality table has " + samples.length + " held-out samples; need at least 2");
        }
        int[] chosen = new int[samples.length];
        Map<String, Integer> memo = new LinkedHashMap<>();
        for (int i = 0; i < samples.length; i++) {
            chosen[i] = memo.computeIfAbsent(table.samples().get(samples[i]).prompt(), policy::choose);
        }
        MixScore mine = MixScore.of("policy " + policy.name(), table, samples, chosen, reference);
        List<MixScore> fixed = new ArrayList<>();
        MixScore cheapest = null;
        for (int a = 0; a < table.actionCount(); a++) {
            int[] all = new int[samples.length];
            java.util.Arrays.fill(all, a);
            MixScore score = MixScore.of(table.actions().get(a), table, samples, all, reference);
            fixed.add(score);
            if (score.reaches(mine) && (cheapest == null || score.meanNfe() < cheapest.meanNfe())) {
                cheapest = score;
            }
        }
        MixScore random = randomControl(table, samples, chosen, mine, reference);
        int beaten = 0;
        for (int d = 0; d < RANDOM_DRAWS; d++) {
            MixScore draw = MixScore.of("random", table, samples, shuffled(chosen, d), reference);
            if (mine.fid() < draw.fid() && mine.score() > draw.score()) {
                beaten++;
            }
        }
        Map<String, Integer> histogram = new LinkedHashMap<>();
        table.actions().forEach(a -> histogram.put(a, 0));
        Map<String, double[]> byClass = new LinkedHashMap<>();
        classes.forEach(c -> byClass.put(c, new double[2]));
        for (int i = 0; i < samples.length; i++) {
            histogram.merge(table.actions().get(chosen[i]), 1, Integer::sum);
            double[] sum = byClass.get(classes.get(table.samples().get(samples[i]).classIndex()));
            sum[0] += table.nfe()[chosen[i]];
            sum[1]++;
        }
        Map<String, Double> nfeByClass = new LinkedHashMap<>();
        byClass.forEach((c, sum) -> nfeByClass.put(c, sum[1] == 0 ? Double.NaN : sum[0] / sum[1]));
        return new PolicyEvaluation(mine, fixed, cheapest, random, beaten, RANDOM_DRAWS, histogram, nfeByClass,
                microsPerChoice(policy, table, samples));
    }

    /** The mean of the draws' numbers, as one row. */
    private static MixScore randomControl(QualityTable table, int[] samples, int[] chosen, MixScore mine,
            GaussianStatistics reference) {
        double fid = 0;
        double score = 0;
        double se = 0;
        double p = 0;
        double r = 0;
        for (int d = 0; d < RANDOM_DRAWS; d++) {
            MixScore draw = MixScore.of("random", table, samples, shuffled(chosen, d), reference);
            fid += draw.fid();
            score += draw.score();
            se += draw.scoreStandardError();
            p += draw.probability();
            r += draw.realism();
        }
        return new MixScore("random, same actions (mean of " + RANDOM_DRAWS + ")", samples.length, mine.meanNfe(),
                fid / RANDOM_DRAWS, score / RANDOM_DRAWS, se / RANDOM_DRAWS, p / RANDOM_DRAWS, r / RANDOM_DRAWS);
    }

    /** The policy's choices in a random order: the same histogram and mean NFE, but blind to the prompt. */
    static int[] shuffled(int[] chosen, long seed) {
        int[] out = chosen.clone();
        Random random = new Random(seed);
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** Wall time of {@link Policy#choose(float[])} per prompt over every held-out prompt, after a warm-up pass. */
    private static double microsPerChoice(Policy policy, QualityTable table, int[] samples) {
        List<float[]> embeddings = new ArrayList<>();
        for (int s : samples) {
            embeddings.add(TextEncoder.get().embed(table.samples().get(s).prompt()));
        }
        embeddings.forEach(policy::choose);
        long start = System.nanoTime();
        for (float[] e : embeddings) {
            policy.choose(e);
        }
        return (System.nanoTime() - start) / 1e3 / embeddings.size();
    }

    /** Mean NFE of the policy over the cheapest matching fixed action's NFE; NaN when no fixed action matches. */
    public double nfeRatio() {
        return cheapestMatch == null ? Double.NaN : policy.meanNfe() / cheapestMatch.meanNfe();
    }
}
