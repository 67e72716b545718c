package dev.fewstep.adaptive;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.Adam;
import java.util.Random;

/**
 * REINFORCE (Williams 1992) with a moving-average baseline, as AdaDiff trains its policy:
 *
 * <pre>
 *   a_i ~ π_θ(· | e_i)                          one action per sampled context
 *   b  ← β b + (1 − β) mean_i R(s_i, a_i)        the baseline, a moving average of the reward
 *   ∇θ J ≈ 1/B Σ_i (R(s_i, a_i) − b) ∇θ log π_θ(a_i | e_i)
 * </pre>
 *
 * plus an entropy bonus η H(π) that keeps the policy from committing before it has tried every action. The
 * baseline used for a batch is the one from before it, so it does not depend on the batch's own actions.
 *
 * @param hidden width of the policy's hidden layer
 * @param iterations policy-gradient steps
 * @param batch contexts per step
 * @param learningRate Adam's step size
 * @param baselineDecay β of the moving-average baseline
 * @param entropy η, the weight of the entropy bonus
 */
public record PolicyTraining(int hidden, int iterations, int batch, double learningRate, double baselineDecay,
        double entropy, long seed) {
    public static final PolicyTraining DEFAULTS = new PolicyTraining(64, 3000, 64, 1e-3, 0.9, 0.01, 1);

    /** What a run ended with: the final baseline (≈ the mean reward the policy earns) and the last batch's mean. */
    public record Outcome(double baseline, double lastMeanReward) {}

    public PolicyTraining {
        if (hidden < 1 || iterations < 0 || batch < 1 || !(learningRate > 0) || baselineDecay < 0 || baselineDecay >= 1
                || entropy < 0) {
            throw new IllegalArgumentException("policy training settings out of range: " + this);
        }
    }

    /** Trains {@code policy} in place on {@code bandit}. */
    public Outcome train(Policy policy, Bandit bandit) {
        if (bandit.size() == 0) {
            throw new IllegalArgumentException("no training samples to train a policy on");
        }
        Random random = new Random(seed);
        Engine.getInstance().setRandomSeed((int) seed);
        int actions = policy.actions().size();
        PolicyNetwork network = policy.network();
        network.freezeParameters(false);
        Adam adam = new Adam(network, policy.manager(), 0.9, 0.999, 1e-8);
        double baseline = 0;
        double lastMean = Double.NaN;
        try {
            for (int step = 0; step < iterations; step++) {
                float[] embeddings = new float[batch * TextEncoder.DIM];
                int[] contexts = new int[batch];
                for (int i = 0; i < batch; i++) {
                    contexts[i] = random.nextInt(bandit.size());
                    System.arraycopy(bandit.embedding(contexts[i]), 0, embeddings, i * TextEncoder.DIM, TextEncoder.DIM);
                }
                try (NDManager scope = policy.manager().newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = network.apply(scope.create(embeddings, new Shape(batch, TextEncoder.DIM)));
                    NDArray logProbabilities = logits.logSoftmax(1);
                    float[] p = logProbabilities.exp().toFloatArray();
                    float[] advantage = new float[batch * actions];
                    double sum = 0;
                    for (int i = 0; i < batch; i++) {
                        int a = sample(p, i * actions, actions, random);
                        double r = bandit.reward(contexts[i], a);
                        sum += r;
                        advantage[i * actions + a] = (float) (r - baseline);
                    }
                    lastMean = sum / batch;
                    NDArray chosen = logProbabilities.mul(scope.create(advantage, new Shape(batch, actions)));
                    NDArray entropyTerm = logProbabilities.exp().mul(logProbabilities).sum(new int[] {1}).neg();
                    NDArray loss = chosen.sum(new int[] {1}).add(entropyTerm.mul(entropy)).mean().neg();
                    collector.backward(loss);
                }
                adam.step(learningRate);
                baseline = step == 0 ? lastMean : baselineDecay * baseline + (1 - baselineDecay) * lastMean;
            }
        } finally {
            network.freezeParameters(true);
        }
        return new Outcome(baseline, lastMean);
    }

    private static int sample(float[] p, int offset, int count, Random random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int a = 0; a < count; a++) {
            cumulative += p[offset + a];
            if (u < cumulative) {
                return a;
            }
        }
        return count - 1;
    }
}
