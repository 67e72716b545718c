package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrecisionRecallTest {

    /** Points on the x axis of a 2-d feature space. */
    private static float[] onLine(double... xs) {
        float[] out = new float[2 * xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[2 * i] = (float) xs[i];
        }
        return out;
    }

    private static final float[] REAL = onLine(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

    @Test
    void precisionCountsGeneratedPointsInsideTheRealBalls() {
        // k = 3 radii of the real points: 3 at the ends (0 and 9), 2 elsewhere.
        // 4.5 is inside, 11.5 is 2.5 from 9 (< 3), -3 is exactly 3 from 0 (on the boundary: inside),
        // 12.5 is 3.5 from 9 (> 3) and 50 is far: 3 of 5 inside.
        float[] generated = onLine(4.5, 11.5, 12.5, -3, 50);
        PrecisionRecall pr = PrecisionRecall.compute(REAL, 10, generated, 5, 2);
        assertThat(pr.precision()).isCloseTo(0.6, within(1e-12));
        // -3's generated ball (radius 15.5, its 3rd neighbour 12.5) covers all real points.
        assertThat(pr.recall()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void recallCountsRealPointsInsideTheGeneratedBalls() {
        // Generated radii (k = 3): 1.5, 1, 1, 1.5, so the generated manifold is [-1.5, 3]: real 0..3 are in it.
        float[] generated = onLine(0, 0.5, 1, 1.5);
        PrecisionRecall pr = PrecisionRecall.compute(REAL, 10, generated, 4, 2);
        assertThat(pr.recall()).isCloseTo(0.4, within(1e-12));
        assertThat(pr.precision()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void identicalSetsScoreOneAndDistantSetsZero() {
        assertThat(PrecisionRecall.compute(REAL, 10, REAL, 10, 2)).isEqualTo(new PrecisionRecall(1, 1));
        float[] far = onLine(100, 101, 102, 103, 104);
        assertThat(PrecisionRecall.compute(REAL, 10, far, 5, 2)).isEqualTo(new PrecisionRecall(0, 0));
    }

    @Test
    void duplicatePointsAreNotTheirOwnNeighbours() {
        // Four copies of one point: each has three other points at distance 0, so every radius is 0 and only
        // exact copies are inside. The self-distance is skipped by index, not by value.
        float[] copies = onLine(1, 1, 1, 1);
        float[] generated = onLine(1, 1.01, 1, 1);
        PrecisionRecall pr = PrecisionRecall.compute(copies, 4, generated, 4, 2);
        assertThat(pr.precision()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void needsMoreThanKPoints() {
        assertThatThrownBy(() -> PrecisionRecall.compute(REAL, 10, onLine(1, 2, 3), 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k = 3");
    }

    @Test
    void blocksDoNotChangeTheAnswer() {
        // More points than one distance block (256 rows), against a brute-force count.
        java.util.Random random = new java.util.Random(9);
        int n = 600;
        int dim = 3;
        float[] real = new float[n * dim];
        float[] generated = new float[n * dim];
        for (int i = 0; i < real.length; i++) {
            real[i] = (float) random.nextGaussian();
            generated[i] = (float) (random.nextGaussian() * 1.5 + 0.3);
        }
        PrecisionRecall pr = PrecisionRecall.compute(real, n, generated, n, dim);
        assertThat(pr.precision()).isCloseTo(bruteForceInside(generated, real, n, dim), within(1e-12));
        assertThat(pr.recall()).isCloseTo(bruteForceInside(real, generated, n, dim), within(1e-12));
    }

    /** Fraction of {@code points} within some ball of {@code manifold} (radius: distance to 3rd other neighbour). */
    private static double bruteForceInside(float[] points, float[] manifold, int n, int dim) {
        double[] radii = new double[n];
        for (int i = 0; i < n; i++) {
            double[] distances = new double[n - 1];
            int m = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    distances[m++] = distance(manifold, i, manifold, j, dim);
                }
            }
            java.util.Arrays.sort(distances);
            radii[i] = distances[2];
        }
        int inside = 0;
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < n; j++) {
                if (distance(points, p, manifold, j, dim) <= radii[j] + 1e-9) {
                    inside++;
                    break;
                }
            }
        }
        return (double) inside / n;
    }

    private static double distance(float[] a, int i, float[] b, int j, int dim) {
        double sum = 0;
        for (int d = 0; d < dim; d++) {
            double diff = (double) a[i * dim + d] - b[j * dim + d];
            sum += diff * diff;
        }
        return Math.sqrt(sum);
    }
}
