package dev.fewstep.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Mean and covariance of a set of feature vectors, the Gaussian that FID fits to each set (Heusel et al.
 * 2017). The covariance is the unbiased sample covariance (divided by n - 1), as numpy's {@code np.cov} in the
 * reference implementations computes it.
 *
 * @param mean (dim)
 * @param covariance (dim x dim), symmetric positive semi-definite
 */
public record GaussianStatistics(double[] mean, DMatrixRMaj covariance) {

    public GaussianStatistics {
        if (covariance.numRows != mean.length || covariance.numCols != mean.length) {
            throw new IllegalArgumentException("a " + covariance.numRows + "x" + covariance.numCols
                    + " covariance does not fit a mean of length " + mean.length);
        }
    }

    /** Statistics of {@code count} rows of {@code dim} features, row after row; at least two rows. */
    public static GaussianStatistics of(float[] features, int count, int dim) {
        if (count < 2 || (long) count * dim != features.length) {
            throw new IllegalArgumentException("need at least 2 feature vectors of length " + dim + ", got "
                    + features.length + " values for " + count);
        }
        double[] mean = new double[dim];
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < dim; d++) {
                mean[d] += features[i * dim + d];
            }
        }
        for (int d = 0; d < dim; d++) {
            mean[d] /= count;
        }
        DMatrixRMaj centered = new DMatrixRMaj(count, dim);
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < dim; d++) {
                centered.data[i * dim + d] = features[i * dim + d] - mean[d];
            }
        }
        DMatrixRMaj covariance = new DMatrixRMaj(dim, dim);
        CommonOps_DDRM.multTransA(centered, centered, covariance);
        CommonOps_DDRM.divide(covariance, count - 1);
        return new GaussianStatistics(mean, covariance);
    }

    public int dim() {
        return mean.length;
    }
}
