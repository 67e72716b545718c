package dev.fewstep.adaptive;

import java.util.Arrays;

/**
 * How real one image looks, from its features alone: the distance to its k-th nearest real neighbour, relative to
 * the same distance for real images that are not in the reference set.
 *
 * <pre>
 *   d_k(x)  = ‖f(x) − NN_k(f(x); F_ref)‖               distance to the k-th nearest reference feature
 *   d_real  = median over real floor images y of d_k(y)
 *   r(x)    = min(1, d_real / d_k(x))                  1 for an image as close to real data as a typical real one
 * </pre>
 *
 * The k-th neighbour (k = 3, as precision and recall use) rather than the first, so that one reference image that
 * happens to look alike does not make an image real.
 */
public final class Realism {
    public static final int K = 3;

    private final float[] reference;
    private final int count;
    private final int dim;
    private final double realDistance;

    /**
     * @param reference (count * dim) real reference features
     * @param floor (floorCount * dim) real features not in the reference, for the normaliser d_real
     */
    public Realism(float[] reference, int count, int dim, float[] floor, int floorCount) {
        if (count <= K || floorCount < 1) {
            throw new IllegalArgumentException("realism needs more than " + K + " reference and at least one floor image");
        }
        this.reference = reference;
        this.count = count;
        this.dim = dim;
        double[] distances = new double[floorCount];
        for (int i = 0; i < floorCount; i++) {
            distances[i] = kthDistance(floor, i * dim);
        }
        Arrays.sort(distances);
        this.realDistance = distances[floorCount / 2];
    }

    /** d_real, the median k-th neighbour distance of real images. */
    public double realDistance() {
        return realDistance;
    }

    /** r(x) of the image whose features start at {@code offset} in {@code features}. */
    public double of(float[] features, int offset) {
        double d = kthDistance(features, offset);
        return d <= realDistance ? 1.0 : realDistance / d;
    }

    /** d_k(x): the k-th smallest distance to the reference features. */
    double kthDistance(float[] features, int offset) {
        double[] nearest = new double[K];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int r = 0; r < count; r++) {
            double squared = 0;
            int base = r * dim;
            for (int j = 0; j < dim && squared < nearest[K - 1]; j++) {
                double diff = features[offset + j] - reference[base + j];
                squared += diff * diff;
            }
            if (squared < nearest[K - 1]) {
                int i = K - 1;
                while (i > 0 && nearest[i - 1] > squared) {
                    nearest[i] = nearest[i - 1];
                    i--;
                }
                nearest[i] = squared;
            }
        }
        return Math.sqrt(nearest[K - 1]);
    }
}
