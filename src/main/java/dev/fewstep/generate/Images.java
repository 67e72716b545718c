package dev.fewstep.generate;

import dev.fewstep.io.AtomicFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Channels-first float images in [-1, 1] to PNG: one image, or a grid of several. */
public final class Images {
    private Images() {}

    /** Lays out {@code count} images in a near-square grid, with a 2-pixel white gutter. */
    public static BufferedImage grid(float[] pixels, int count, int channels, int size, int columns) {
        int rows = (count + columns - 1) / columns;
        int gutter = count == 1 ? 0 : 2;
        int width = columns * size + (columns - 1) * gutter;
        int height = rows * size + (rows - 1) * gutter;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out.setRGB(x, y, 0xffffff);
            }
        }
        int plane = size * size;
        for (int n = 0; n < count; n++) {
            int ox = (n % columns) * (size + gutter);
            int oy = (n / columns) * (size + gutter);
            int base = n * channels * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        float v = pixels[base + (channels == 1 ? 0 : c) * plane + y * size + x];
                        int byteValue = Math.round(Math.max(0f, Math.min(1f, (v + 1f) / 2f)) * 255f);
                        rgb = (rgb << 8) | byteValue;
                    }
                    out.setRGB(ox + x, oy + y, rgb);
                }
            }
        }
        return out;
    }

    public static BufferedImage grid(float[] pixels, int count, int channels, int size) {
        return grid(pixels, count, channels, size, (int) Math.ceil(Math.sqrt(count)));
    }

    /** Scales an image up by an integer factor with nearest-neighbour, so 32x32 samples are visible. */
    public static BufferedImage upscale(BufferedImage image, int factor) {
        BufferedImage out = new BufferedImage(image.getWidth() * factor, image.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, image.getRGB(x / factor, y / factor));
            }
        }
        return out;
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes atomically: a temporary file beside the target, then a rename. */
    public static void writePng(BufferedImage image, Path path) throws IOException {
        writePng(png(image), path);
    }

    /** The image as PNG bytes carrying how it was made ({@link ImageParameters}). */
    public static byte[] png(BufferedImage image, ImageParameters parameters) {
        return PngText.with(png(image), ImageParameters.KEY, parameters.toText());
    }

    /**
     * Image {@code index} of {@code pixels} on its own, upscaled by the parameters' scale, as PNG bytes carrying them:
     * what {@code generate --out-dir} and {@code batch} write for one image.
     */
    public static byte[] png(float[] pixels, int index, int channels, int size, ImageParameters parameters) {
        int length = channels * size * size;
        float[] image = java.util.Arrays.copyOfRange(pixels, index * length, (index + 1) * length);
        return png(upscale(grid(image, 1, channels, size), parameters.scale()), parameters);
    }

    /** Writes PNG bytes atomically: a temporary file beside the target, then a rename. */
    public static void writePng(byte[] png, Path path) throws IOException {
        AtomicFile.write(path, png);
    }
}
