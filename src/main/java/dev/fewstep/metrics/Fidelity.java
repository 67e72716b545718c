package dev.fewstep.metrics;

/**
 * How faithful conditional outputs are to the images their conditions came from, per image then averaged. Images are
 * channels-first in [-1, 1]; PSNR and SSIM read them on [0, 1] (peak 1).
 */
public final class Fidelity {
    /** SSIM's constants (Wang et al. 2004): K1 = 0.01, K2 = 0.03 of a dynamic range of 1. */
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;
    /** SSIM's Gaussian window: sigma 1.5 pixels, 11 x 11, as in the paper. */
    private static final double WINDOW_SIGMA = 1.5;
    private static final int WINDOW_RADIUS = 5;

    private Fidelity() {}

    /** PSNR in dB of each image against its truth, averaged over images: 10 log10(1 / MSE) on [0, 1]. */
    public static double psnr(float[] images, float[] truth, int count) {
        int length = images.length / count;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double squares = 0;
            for (int j = i * length; j < (i + 1) * length; j++) {
                double d = (images[j] - truth[j]) / 2.0;
                squares += d * d;
            }
            sum += 10 * Math.log10(1 / Math.max(squares / length, 1e-10));
        }
        return sum / count;
    }

    /** Mean SSIM (Wang et al. 2004, Eq. 13) with an 11x11 Gaussian window, channel by channel, averaged over images. */
    public static double ssim(float[] images, float[] truth, int count, int channels, int size) {
        double[] window = gaussian();
        double sum = 0;
        int plane = size * size;
        for (int p = 0; p < count * channels; p++) {
            sum += planeSsim(images, truth, p * plane, size, window);
        }
        return sum / (count * channels);
    }

    private static double planeSsim(float[] a, float[] b, int offset, int size, double[] window) {
        double total = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double weight = 0, ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int dy = -WINDOW_RADIUS; dy <= WINDOW_RADIUS; dy++) {
                    for (int dx = -WINDOW_RADIUS; dx <= WINDOW_RADIUS; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy < 0 || yy >= size || xx < 0 || xx >= size) {
                            continue; // the window is cut at the border and renormalised
                        }
                        double w = window[dy + WINDOW_RADIUS] * window[dx + WINDOW_RADIUS];
                        double va = (a[offset + yy * size + xx] + 1) / 2.0;
                        double vb = (b[offset + yy * size + xx] + 1) / 2.0;
                        weight += w;
                        ma += w * va;
                        mb += w * vb;
                        saa += w * va * va;
                        sbb += w * vb * vb;
                        sab += w * va * vb;
                    }
                }
                ma /= weight;
                mb /= weight;
                double varA = saa / weight - ma * ma;
                double varB = sbb / weight - mb * mb;
                double cov = sab / weight - ma * mb;
                total += (2 * ma * mb + C1) * (2 * cov + C2) / ((ma * ma + mb * mb + C1) * (varA + varB + C2));
            }
        }
        return total / (size * size);
    }

    private static double[] gaussian() {
        double[] w = new double[2 * WINDOW_RADIUS + 1];
        for (int i = 0; i < w.length; i++) {
            double d = i - WINDOW_RADIUS;
            w[i] = Math.exp(-d * d / (2 * WINDOW_SIGMA * WINDOW_SIGMA));
        }
        return w;
    }

    /** Images average-pooled by {@code factor} (each factor x factor block to its mean). */
    public static float[] pool(float[] images, int count, int channels, int size, int factor) {
        int low = size / factor;
        float[] out = new float[count * channels * low * low];
        for (int p = 0; p < count * channels; p++) {
            for (int y = 0; y < low; y++) {
                for (int x = 0; x < low; x++) {
                    double sum = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        for (int dx = 0; dx < factor; dx++) {
                            sum += images[p * size * size + (y * factor + dy) * size + x * factor + dx];
                        }
                    }
                    out[p * low * low + y * low + x] = (float) (sum / (factor * factor));
                }
            }
        }
        return out;
    }

    /**
     * Mean absolute difference (on [-1, 1]) between outputs and their truth where the mask is 0, per image, averaged:
     * what inpainting changed outside the hole.
     *
     * @param masks count x size x size, 1 inside the hole
     */
    public static double outsideMaskError(float[] images, float[] truth, float[] masks, int count, int channels, int size) {
        int plane = size * size;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double error = 0;
            long pixels = 0;
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < plane; j++) {
                    if (masks[i * plane + j] < 0.5f) {
                        int k = (i * channels + c) * plane + j;
                        error += Math.abs(images[k] - truth[k]);
                        pixels++;
                    }
                }
            }
            sum += pixels == 0 ? 0 : error / pixels;
        }
        return sum / count;
    }

    /**
     * F1 of edge pixels, per image then averaged: predicted edges (1) against the condition's edges, both as maps in
     * {-1, 1}. An image with no edges on either side scores 1.
     */
    public static double edgeF1(float[] predicted, float[] condition, int count) {
        int length = predicted.length / count;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            int both = 0, p = 0, c = 0;
            for (int j = i * length; j < (i + 1) * length; j++) {
                boolean isP = predicted[j] > 0;
                boolean isC = condition[j] > 0;
                p += isP ? 1 : 0;
                c += isC ? 1 : 0;
                both += isP && isC ? 1 : 0;
            }
            sum += p + c == 0 ? 1 : 2.0 * both / (p + c);
        }
        return sum / count;
    }
}
