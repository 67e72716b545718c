package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.text.TextEncoder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyTrainingTest {
    private static final PolicyTraining FAST = new PolicyTraining(16, 300, 16, 1e-2, 0.9, 0.0, 7);

    private static float[] unitVector(long seed) {
        Random random = new Random(seed);
        float[] v = new float[TextEncoder.DIM];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** Two contexts; the reward of action a on context s is rewards[s][a]. */
    private static Bandit bandit(float[][] contexts, double[][] rewards) {
        return new Bandit() {
            @Override
            public int size() {
                return contexts.length;
            }

            @Override
            public float[] embedding(int s) {
                return contexts[s];
            }

            @Override
            public double reward(int s, int a) {
                return rewards[s][a];
            }
        };
    }

    @Test
    void reinforceOnATwoArmedBanditConvergesToTheBetterArm() {
        float[] context = unitVector(1);
        try (Policy policy = Policy.create("toy", "none", List.of("worse", "better"), new int[] {1, 2}, 16, 3)) {
            assertThat(policy.probabilities(context)[1]).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
            PolicyTraining.Outcome outcome = FAST.train(policy, bandit(new float[][] {context}, new double[][] {{0.2, 0.8}}));
            assertThat(policy.probabilities(context)[1]).isGreaterThan(0.95f);
            assertThat(policy.choose(context)).isEqualTo(1);
            // the moving baseline tracks the reward the policy now earns, close to the better arm's
            assertThat(outcome.baseline()).isGreaterThan(0.75);
        }
    }

    @Test
    void theBetterArmIsLearnedPerContext() {
        float[] a = unitVector(1);
        float[] b = unitVector(2);
        try (Policy policy = Policy.create("toy", "none", List.of("x", "y"), new int[] {1, 2}, 16, 3)) {
            FAST.train(policy, bandit(new float[][] {a, b}, new double[][] {{1.0, 0.0}, {-1.0, 0.5}}));
            assertThat(policy.choose(a)).isEqualTo(0);
            assertThat(policy.choose(b)).isEqualTo(1);
        }
    }

    @Test
    void noTrainingSamplesIsAClearError() {
        try (Policy policy = Policy.create("toy", "none", List.of("x", "y"), new int[] {1, 2}, 4, 3)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FAST.train(policy, bandit(new float[0][], new double[0][])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no training samples");
        }
    }
}
