package dev.fewstep.metrics;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019, eqs. 1-3). Each set's manifold is the union of
 * balls around its points, of radius the distance to the point's k-th nearest neighbour within the set;
 * precision is the fraction of generated points inside the real manifold, recall the fraction of real points
 * inside the generated manifold. A point on a ball's boundary counts as inside, as in the authors' code.
 *
 * @param precision fraction of generated samples that fall within the real manifold
 * @param recall fraction of real samples that fall within the generated manifold
 */
public record PrecisionRecall(double precision, double recall) {
    /** The neighbourhood size the paper recommends and uses throughout. */
    public static final int K = 3;
    /** Rows of a distance block: bounds memory at BLOCK x (other set's size) doubles. */
    private static final int BLOCK = 256;

    /**
     * @param real (realCount * dim) features of real images, row after row
     * @param generated (generatedCount * dim) features of generated images
     * @param k neighbourhood size; each set needs more than k points
     */
    public static PrecisionRecall compute(float[] real, int realCount, float[] generated, int generatedCount, int dim, int k) {
        if (realCount <= k || generatedCount <= k) {
            throw new IllegalArgumentException("precision and recall with k = " + k + " need more than " + k
                    + " real and generated samples, got " + realCount + " and " + generatedCount);
        }
        DMatrixRMaj realRows = rows(real, realCount, dim);
        DMatrixRMaj generatedRows = rows(generated, generatedCount, dim);
        double[] realRadii = kthNeighbourSquaredDistances(realRows, k);
        double[] generatedRadii = kthNeighbourSquaredDistances(generatedRows, k);
        double[] realNorms = squaredNorms(realRows);
        double[] generatedNorms = squaredNorms(generatedRows);
        boolean[] realCovered = new boolean[realCount];
        int generatedInside = 0;
        for (int first = 0; first < generatedCount; first += BLOCK) {
            int size = Math.min(BLOCK, generatedCount - first);
            double[][] distances = squaredDistances(generatedRows, generatedNorms, first, size, realRows, realNorms);
            for (int g = 0; g < size; g++) {
                boolean inside = false;
                for (int r = 0; r < realCount; r++) {
                    double distance = distances[g][r];
                    inside |= distance <= realRadii[r];
                    if (distance <= generatedRadii[first + g]) {
                        realCovered[r] = true;
                    }
                }
                if (inside) {
                    generatedInside++;
                }
            }
        }
        int realInside = 0;
        for (boolean covered : realCovered) {
            if (covered) {
                realInside++;
            }
        }
        return new PrecisionRecall((double) generatedInside / generatedCount, (double) realInside / realCount);
    }

    public static PrecisionRecall compute(float[] real, int realCount, float[] generated, int generatedCount, int dim) {
        return compute(real, realCount, generated, generatedCount, dim, K);
    }

    /** For each row, the squared distance to its k-th nearest other row (the row itself excluded by index). */
    static double[] kthNeighbourSquaredDistances(DMatrixRMaj points, int k) {
        int n = points.numRows;
        double[] norms = squaredNorms(points);
        double[] radii = new double[n];
        double[] nearest = new double[k];
        for (int first = 0; first < n; first += BLOCK) {
            int size = Math.min(BLOCK, n - first);
            double[][] distances = squaredDistances(points, norms, first, size, points, norms);
            for (int i = 0; i < size; i++) {
                Arrays.fill(nearest, Double.POSITIVE_INFINITY);
                for (int j = 0; j < n; j++) {
                    if (j == first + i) {
                        continue;
                    }
                    double distance = distances[i][j];
                    if (distance < nearest[k - 1]) {
                        // Insertion into the sorted k smallest so far.
                        int position = k - 1;
                        while (position > 0 && nearest[position - 1] > distance) {
                            nearest[position] = nearest[position - 1];
                            position--;
                        }
                        nearest[position] = distance;
                    }
                }
                radii[first + i] = nearest[k - 1];
            }
        }
        return radii;
    }

    /** ||a_i - b_j||^2 = ||a_i||^2 + ||b_j||^2 - 2 a_i . b_j for rows first..first+size of a against all of b. */
    private static double[][] squaredDistances(DMatrixRMaj a, double[] aNorms, int first, int size, DMatrixRMaj b, double[] bNorms) {
        int dim = a.numCols;
        DMatrixRMaj block = new DMatrixRMaj(size, dim);
        System.arraycopy(a.data, first * dim, block.data, 0, size * dim);
        DMatrixRMaj dots = new DMatrixRMaj(size, b.numRows);
        CommonOps_DDRM.multTransB(block, b, dots);
        double[][] out = new double[size][b.numRows];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < b.numRows; j++) {
                // Cancellation can leave tiny negatives for (near-)identical points.
                out[i][j] = Math.max(0, aNorms[first + i] + bNorms[j] - 2 * dots.data[i * b.numRows + j]);
            }
        }
        return out;
    }

    private static double[] squaredNorms(DMatrixRMaj points) {
        double[] norms = new double[points.numRows];
        for (int i = 0; i < points.numRows; i++) {
            double sum = 0;
            for (int d = 0; d < points.numCols; d++) {
                double v = points.data[i * points.numCols + d];
                sum += v * v;
            }
            norms[i] = sum;
        }
        return norms;
    }

    private static DMatrixRMaj rows(float[] values, int count, int dim) {
        if ((long) count * dim != values.length) {
            throw new IllegalArgumentException(values.length + " values are not " + count + " vectors of length " + dim);
        }
        DMatrixRMaj m = new DMatrixRMaj(count, dim);
        for (int i = 0; i < values.length; i++) {
            m.data[i] = values[i];
        }
        return m;
    }
}
