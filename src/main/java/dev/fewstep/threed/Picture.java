package dev.fewstep.threed;

import java.awt.image.BufferedImage;

/**
 * A rendered image: RGB in [0, 1], channels first (3, size, size), and the coverage α in [0, 1] of each pixel.
 */
public record Picture(int size, float[] rgb, float[] alpha) {
    /** The pixels scaled to [−1, 1], as the datasets hold images. */
    public float[] signed() {
        float[] out = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = rgb[i] * 2 - 1;
        }
        return out;
    }

    /** Σ α: the silhouette's area in pixels. */
    public double coveredArea() {
        double sum = 0;
        for (float a : alpha) {
            sum += a;
        }
        return sum;
    }

    public BufferedImage image() {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                image.setRGB(x, y, byteOf(rgb[i]) << 16 | byteOf(rgb[plane + i]) << 8 | byteOf(rgb[2 * plane + i]));
            }
        }
        return image;
    }

    static int byteOf(float v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
