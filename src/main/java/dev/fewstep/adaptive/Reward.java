package dev.fewstep.adaptive;

/**
 * AdaDiff's reward for choosing action a for one (prompt, noise) sample, given what every action made of it: a
 * quality-rank gate, then a reward for the computation saved (Zhang et al. 2023, arXiv 2311.14768; its form as
 * described in issue 30, see docs/adaptive.md for the formula's parts and where it may differ from the paper).
 *
 * <pre>
 *   rank(a) = #{ a' : Q(a') &gt; Q(a) + ε }                 0 for the best image of the sample
 *   R(a)    = 1 − NFE(a) / NFE_max     if rank(a) &lt; k       in the top group: the share of the budget saved
 *           = −γ                       otherwise            a visibly worse image: a penalty
 * </pre>
 *
 * @param topGroup k, how many of the best actions of a sample count as good enough; with six noisy per-image
 *     scores, k = 1 would reward only the single luckiest image, and k = 3 would accept every other image
 * @param tolerance ε, how much better another image must be to count as better: the teacher's 8-, 16- and 35-NFE
 *     images are nearly the same picture, and without it their order, so who enters the top group, is noise
 * @param penalty γ, the price of a worse image; it must exceed the reward of the cheapest action for the gate to
 *     matter more than the NFE saved between two good actions
 * @param lambda λ, the weight of realism in Q = p(c | x) + λ r(x) ({@link QualityTable#quality})
 */
public record Reward(int topGroup, double tolerance, double penalty, double lambda) {
    public static final Reward DEFAULTS = new Reward(2, 0.02, 1.0, 1.0);

    public Reward {
        if (topGroup < 1) {
            throw new IllegalArgumentException("the top group must hold at least one action, got " + topGroup);
        }
        if (!(penalty >= 0) || !(lambda >= 0) || !(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance, penalty and lambda must be >= 0");
        }
    }

    /**
     * @param quality Q of every action's image for one sample
     * @param nfe the NFE of every action
     */
    public double of(double[] quality, int[] nfe, int chosen) {
        int rank = 0;
        for (double q : quality) {
            if (q > quality[chosen] + tolerance) {
                rank++;
            }
        }
        if (rank >= topGroup) {
            return -penalty;
        }
        int most = 0;
        for (int n : nfe) {
            most = Math.max(most, n);
        }
        return 1.0 - (double) nfe[chosen] / most;
    }

    /** The reward of action a on sample s of a table. */
    public double of(QualityTable table, int sample, int action) {
        double[] quality = new double[table.actionCount()];
        for (int a = 0; a < quality.length; a++) {
            quality[a] = table.quality(sample, a, lambda);
        }
        return of(quality, table.nfe(), action);
    }
}
