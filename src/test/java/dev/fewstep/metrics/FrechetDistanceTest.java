package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    private static float[] randomFeatures(int count, int dim, long seed) {
        Random random = new Random(seed);
        float[] out = new float[count * dim];
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < dim; d++) {
                // Correlated, unequal scales: a covariance that is far from a multiple of the identity.
                out[i * dim + d] = (float) (random.nextGaussian() * (1 + d) + (d > 0 ? 0.5 * out[i * dim + d - 1] : 0));
            }
        }
        return out;
    }

    @Test
    void aSetAgainstItselfIsZero() {
        GaussianStatistics stats = GaussianStatistics.of(randomFeatures(400, 12, 3), 400, 12);
        assertThat(FrechetDistance.between(stats, stats)).isCloseTo(0, within(1e-8));
    }

    @Test
    void shiftingASetByCAddsTheSquaredLengthOfC() {
        float[] features = randomFeatures(300, 5, 4);
        float[] shifted = features.clone();
        double[] c = {1, -2, 0.5, 0, 3};
        for (int i = 0; i < 300; i++) {
            for (int d = 0; d < 5; d++) {
                shifted[i * 5 + d] += (float) c[d];
            }
        }
        double fid = FrechetDistance.between(GaussianStatistics.of(features, 300, 5), GaussianStatistics.of(shifted, 300, 5));
        assertThat(fid).isCloseTo(1 + 4 + 0.25 + 9, within(1e-3));
    }

    @Test
    void diagonalGaussiansMatchTheClosedForm() {
        // For commuting (here diagonal) covariances, d^2 = ||mu1 - mu2||^2 + sum_i (sqrt(a_i) - sqrt(b_i))^2.
        GaussianStatistics a = new GaussianStatistics(new double[] {0, 1, 2}, CommonOps_DDRM.diag(4, 9, 1));
        GaussianStatistics b = new GaussianStatistics(new double[] {1, 1, 0}, CommonOps_DDRM.diag(1, 16, 0.25));
        double expected = (1 + 0 + 4) + (Math.pow(2 - 1, 2) + Math.pow(3 - 4, 2) + Math.pow(1 - 0.5, 2));
        assertThat(FrechetDistance.between(a, b)).isCloseTo(expected, within(1e-10));
    }

    @Test
    void nonCommutingTwoByTwoGaussiansMatchTheClosedForm() {
        // For 2x2 matrices with positive eigenvalues, Tr sqrt(P) = sqrt(Tr P + 2 sqrt(det P)); P = S1 S2.
        DMatrixRMaj s1 = new DMatrixRMaj(new double[][] {{2, 1}, {1, 2}});
        DMatrixRMaj s2 = new DMatrixRMaj(new double[][] {{3, 0}, {0, 0.5}});
        DMatrixRMaj product = new DMatrixRMaj(2, 2);
        CommonOps_DDRM.mult(s1, s2, product);
        double traceRoot = Math.sqrt(CommonOps_DDRM.trace(product) + 2 * Math.sqrt(CommonOps_DDRM.det(product)));
        double expected = Math.pow(0.5 - -1, 2) + Math.pow(2 - 2, 2) + (2 + 2 + 3 + 0.5) - 2 * traceRoot;
        GaussianStatistics a = new GaussianStatistics(new double[] {0.5, 2}, s1);
        GaussianStatistics b = new GaussianStatistics(new double[] {-1, 2}, s2);
        assertThat(FrechetDistance.between(a, b)).isCloseTo(expected, within(1e-10));
        assertThat(FrechetDistance.between(b, a)).isCloseTo(expected, within(1e-10));
    }

    @Test
    void traceRootAgreesWithTheEigenvaluesOfTheUnsymmetricProduct() {
        // An independent route: eigenvalues of S1 S2 itself from the general (non-symmetric) solver.
        GaussianStatistics a = GaussianStatistics.of(randomFeatures(200, 6, 5), 200, 6);
        GaussianStatistics b = GaussianStatistics.of(randomFeatures(200, 6, 6), 200, 6);
        DMatrixRMaj product = new DMatrixRMaj(6, 6);
        CommonOps_DDRM.mult(a.covariance(), b.covariance(), product);
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(6, false, false);
        assertThat(eigen.decompose(product)).isTrue();
        double expected = 0;
        for (int i = 0; i < 6; i++) {
            Complex_F64 lambda = eigen.getEigenvalue(i);
            expected += Math.sqrt(Math.max(0, lambda.getReal()));
        }
        assertThat(FrechetDistance.traceOfSquareRootOfProduct(a.covariance(), b.covariance()))
                .isCloseTo(expected, within(1e-8 * expected));
    }

    @Test
    void covarianceIsTheUnbiasedSampleCovariance() {
        float[] points = {1, 2, 3, 4, 5, 9};
        GaussianStatistics stats = GaussianStatistics.of(points, 3, 2);
        assertThat(stats.mean()).containsExactly(3, 5);
        // x: -2, 0, 2; y: -3, -1, 4; divided by n - 1 = 2.
        assertThat(stats.covariance().get(0, 0)).isCloseTo(4, within(1e-12));
        assertThat(stats.covariance().get(0, 1)).isCloseTo(7, within(1e-12));
        assertThat(stats.covariance().get(1, 1)).isCloseTo(13, within(1e-12));
    }

    @Test
    void squareRootSquaresBack() {
        GaussianStatistics stats = GaussianStatistics.of(randomFeatures(100, 4, 7), 100, 4);
        DMatrixRMaj root = FrechetDistance.squareRoot(stats.covariance());
        DMatrixRMaj square = new DMatrixRMaj(4, 4);
        CommonOps_DDRM.mult(root, root, square);
        for (int i = 0; i < 16; i++) {
            assertThat(square.data[i]).isCloseTo(stats.covariance().data[i], within(1e-9));
        }
    }
}
