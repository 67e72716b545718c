package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.data.ImageDataset;

/**
 * Reconstructions D(μ(x)) of a set of images and their quality: PSNR = 10 log₁₀(1 / MSE) per image on pixels in
 * [0, 1] (the reconstruction clipped there), averaged over the images.
 */
public final class Reconstruction {
    private static final int CHUNK = 32;

    private Reconstruction() {}

    /** The clipped reconstructions of every image of {@code data}, (N, C, H, W) row-major in [-1, 1]. */
    public static float[] of(Autoencoder autoencoder, ImageDataset data, NDManager manager) {
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            int length = data.imageLength();
            float[] out = new float[data.count() * length];
            for (int start = 0; start < data.count(); start += CHUNK) {
                int count = Math.min(CHUNK, data.count() - start);
                float[] pixels = new float[count * length];
                System.arraycopy(data.pixels(), start * length, pixels, 0, pixels.length);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(pixels, new Shape(count, data.channels(), data.size(), data.size()));
                    float[] back = autoencoder.apply(x).clip(-1, 1).toFloatArray();
                    System.arraycopy(back, 0, out, start * length, back.length);
                }
            }
            return out;
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    /** Mean over images of each image's PSNR in dB; {@code a} and {@code b} hold images of {@code length} values in [-1, 1]. */
    public static double psnr(float[] a, float[] b, int length) {
        if (a.length != b.length || a.length % length != 0 || a.length == 0) {
            throw new IllegalArgumentException("PSNR needs two sets of the same non-zero number of images");
        }
        int count = a.length / length;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double squared = 0;
            for (int j = i * length; j < (i + 1) * length; j++) {
                double difference = (a[j] - b[j]) / 2.0; // [-1, 1] to [0, 1]
                squared += difference * difference;
            }
            double mse = Math.max(squared / length, 1e-10); // an exact copy is 100 dB, not infinity
            sum += 10 * Math.log10(1 / mse);
        }
        return sum / count;
    }

    /** The held-out PSNR of {@code autoencoder} on {@code data}. */
    public static double psnr(Autoencoder autoencoder, ImageDataset data, NDManager manager) {
        return psnr(data.pixels(), of(autoencoder, data, manager), data.imageLength());
    }
}
