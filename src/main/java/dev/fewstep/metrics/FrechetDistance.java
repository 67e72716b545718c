package dev.fewstep.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet distance between two Gaussians, the squared 2-Wasserstein distance (Dowson &amp; Landau 1982)
 * that FID applies to feature statistics (Heusel et al. 2017, eq. 6):
 * <pre>  d^2 = ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^{1/2}).</pre>
 * S1 S2 is not symmetric, but it is similar to the symmetric PSD matrix M = S1^{1/2} S2 S1^{1/2}
 * (S1 S2 = S1^{1/2} M S1^{-1/2}), so Tr (S1 S2)^{1/2} = sum_i sqrt(lambda_i(M)). Both square roots come from
 * EJML's symmetric eigendecomposition; eigenvalues that rounding pushed below zero are clamped to zero.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    public static double between(GaussianStatistics a, GaussianStatistics b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dim() + " and " + b.dim());
        }
        double meanTerm = 0;
        for (int d = 0; d < a.dim(); d++) {
            double difference = a.mean()[d] - b.mean()[d];
            meanTerm += difference * difference;
        }
        double trace = CommonOps_DDRM.trace(a.covariance()) + CommonOps_DDRM.trace(b.covariance())
                - 2 * traceOfSquareRootOfProduct(a.covariance(), b.covariance());
        // A squared distance: only rounding can make it negative (e.g. a set against itself).
        return Math.max(0, meanTerm + trace);
    }

    /** Tr (S1 S2)^{1/2} for symmetric PSD S1, S2, as the sum of square roots of eig(S1^{1/2} S2 S1^{1/2}). */
    static double traceOfSquareRootOfProduct(DMatrixRMaj s1, DMatrixRMaj s2) {
        DMatrixRMaj root = squareRoot(s1);
        DMatrixRMaj temp = new DMatrixRMaj(s1.numRows, s1.numCols);
        DMatrixRMaj product = new DMatrixRMaj(s1.numRows, s1.numCols);
        CommonOps_DDRM.mult(root, s2, temp);
        CommonOps_DDRM.mult(temp, root, product);
        double sum = 0;
        for (double lambda : symmetricEigenvalues(product)) {
            sum += Math.sqrt(Math.max(0, lambda));
        }
        return sum;
    }

    /** The PSD square root V diag(sqrt(max(lambda, 0))) V^T of a symmetric matrix. */
    static DMatrixRMaj squareRoot(DMatrixRMaj symmetric) {
        int n = symmetric.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eigen = decompose(symmetric, true);
        DMatrixRMaj root = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            double scale = Math.sqrt(Math.max(0, eigen.getEigenvalue(i).getReal()));
            DMatrixRMaj v = eigen.getEigenVector(i);
            for (int r = 0; r < n; r++) {
                double vr = v.get(r, 0) * scale;
                for (int c = 0; c < n; c++) {
                    root.data[r * n + c] += vr * v.get(c, 0);
                }
            }
        }
        return root;
    }

    static double[] symmetricEigenvalues(DMatrixRMaj symmetric) {
        EigenDecomposition_F64<DMatrixRMaj> eigen = decompose(symmetric, false);
        double[] values = new double[symmetric.numRows];
        for (int i = 0; i < values.length; i++) {
            values[i] = eigen.getEigenvalue(i).getReal();
        }
        return values;
    }

    private static EigenDecomposition_F64<DMatrixRMaj> decompose(DMatrixRMaj matrix, boolean vectors) {
        int n = matrix.numRows;
        // Symmetrise first: products of symmetric matrices are symmetric only up to rounding, and the
        // symmetric solver reads one triangle.
        DMatrixRMaj symmetric = new DMatrixRMaj(n, n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                symmetric.data[r * n + c] = 0.5 * (matrix.get(r, c) + matrix.get(c, r));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(n, vectors, true);
        if (!eigen.decompose(symmetric)) {
            throw new ArithmeticException("eigendecomposition of a " + n + "x" + n + " covariance did not converge");
        }
        return eigen;
    }
}
