package dev.fewstep.metrics.features;

/** Image-to-text retrieval accuracy from embeddings: is the true caption among the k most similar? */
public final class Retrieval {
    private Retrieval() {}

    /**
     * @param images (n * dim) image embeddings, row after row
     * @param texts (m * dim) caption embeddings
     * @param truth for each image, the row of its caption in {@code texts}
     * @param k how many top-ranked captions count as a hit
     * @return the fraction of images whose caption scores among the k highest dot products; a tie with the true
     *     caption counts against it, so a degenerate encoder scores no better than chance
     */
    public static double topK(float[] images, float[] texts, int[] truth, int dim, int k) {
        int n = truth.length;
        int m = texts.length / dim;
        int hits = 0;
        for (int i = 0; i < n; i++) {
            double trueScore = dot(images, i, texts, truth[i], dim);
            int better = 0;
            for (int j = 0; j < m && better < k; j++) {
                if (j != truth[i] && dot(images, i, texts, j, dim) >= trueScore) {
                    better++;
                }
            }
            if (better < k) {
                hits++;
            }
        }
        return (double) hits / n;
    }

    private static double dot(float[] a, int row, float[] b, int column, int dim) {
        double sum = 0;
        for (int d = 0; d < dim; d++) {
            sum += (double) a[row * dim + d] * b[column * dim + d];
        }
        return sum;
    }
}
