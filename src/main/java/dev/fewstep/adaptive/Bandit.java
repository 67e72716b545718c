package dev.fewstep.adaptive;

/**
 * What a policy is trained against: contexts (prompt embeddings) and the reward each action earns on each. A
 * contextual bandit: one action per context, no state carried over.
 */
public interface Bandit {
    /** Number of contexts to draw from. */
    int size();

    /** The embedding of context s. */
    float[] embedding(int s);

    /** The reward of action a on context s. */
    double reward(int s, int a);

    /** The training samples of a quality table, rewarded by {@code reward}. */
    static Bandit of(QualityTable table, int[] samples, Reward reward) {
        dev.fewstep.text.TextEncoder encoder = dev.fewstep.text.TextEncoder.get();
        return new Bandit() {
            @Override
            public int size() {
                return samples.length;
            }

            @Override
            public float[] embedding(int s) {
                return encoder.embed(table.samples().get(samples[s]).prompt());
            }

            @Override
            public double reward(int s, int a) {
                return reward.of(table, samples[s], a);
            }
        };
    }
}
