package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.metrics.GaussianStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyEvaluationTest {
    private static final int N = 200;
    private static final int DIM = 2;

    /** Two actions whose images are the same features, one costing 1 NFE and the other 10. */
    private static QualityTable twinActions() {
        Random random = new Random(3);
        List<QualityTable.Sample> samples = new ArrayList<>();
        float[] p = new float[N * 2];
        float[] c = new float[N * 2];
        float[] r = new float[N * 2];
        float[] f = new float[N * 2 * DIM];
        for (int s = 0; s < N; s++) {
            samples.add(new QualityTable.Sample(s % 2 == 0 ? "bag" : "trouser", s % 2, 4, s, true));
            for (int d = 0; d < DIM; d++) {
                float value = (float) random.nextGaussian();
                f[(s * 2) * DIM + d] = value;
                f[(s * 2 + 1) * DIM + d] = value;
            }
            for (int a = 0; a < 2; a++) {
                p[s * 2 + a] = 0.9f;
                c[s * 2 + a] = s % 5 == 0 ? 0 : 1;
                r[s * 2 + a] = 1;
            }
        }
        return new QualityTable("t", List.of("cheap", "dear"), new int[] {1, 10}, "d", DIM, samples, p, c, r, f);
    }

    private static GaussianStatistics reference() {
        Random random = new Random(4);
        float[] f = new float[5000 * DIM];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return GaussianStatistics.of(f, 5000, DIM);
    }

    @Test
    void theCheapestFixedActionOfTheSameQualityIsTheMatch() {
        QualityTable table = twinActions();
        // zero output weights: a uniform policy, whose argmax on a tie is the first action
        try (Policy uniform = Policy.create("uniform", "t", table.actions(), table.nfe(), 4, 1)) {
            PolicyEvaluation e = PolicyEvaluation.of(uniform, table, List.of("bag", "trouser"), reference());
            assertThat(e.histogram()).containsEntry("cheap", N).containsEntry("dear", 0);
            assertThat(e.policy().meanNfe()).isEqualTo(1.0);
            assertThat(e.fixed().get(1).fid()).isEqualTo(e.fixed().get(0).fid());
            assertThat(e.policy().fid()).isEqualTo(e.fixed().get(0).fid());
            assertThat(e.policy().score()).isEqualTo(0.8);
            assertThat(e.cheapestMatch().name()).isEqualTo("cheap");
            assertThat(e.nfeRatio()).isEqualTo(1.0);
            // shuffling one action among the samples changes nothing, so no draw is beaten on both counts
            assertThat(e.random().fid()).isEqualTo(e.policy().fid(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(e.randomBeaten()).isZero();
            assertThat(e.nfeByClass()).containsEntry("bag", 1.0).containsEntry("trouser", 1.0);
        }
    }

    @Test
    void aMixIsReachedOnlyWithinTwoPercentFidAndOneStandardError() {
        MixScore target = new MixScore("policy", 100, 2, 10.0, 0.80, 0.04, 0, 0);
        assertThat(new MixScore("a", 100, 8, 10.2, 0.76, 0.04, 0, 0).reaches(target)).isTrue();
        assertThat(new MixScore("b", 100, 8, 10.21, 0.90, 0.04, 0, 0).reaches(target)).isFalse();
        assertThat(new MixScore("c", 100, 8, 9.0, 0.759, 0.04, 0, 0).reaches(target)).isFalse();
    }
}
