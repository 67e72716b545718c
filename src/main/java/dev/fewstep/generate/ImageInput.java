package dev.fewstep.generate;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Images a user hands in (a condition, a mask): read from a file or bytes, resampled to the model's size by area
 * averaging (each output pixel the mean of the input area it covers, so a 4x upscale repeats pixels and a 4x downscale
 * is a 4x4 average pool), as values in [-1, 1] or, for masks, [0, 1].
 */
public final class ImageInput {
    /** Larger inputs are refused before they are decoded in full: a condition is at most a few hundred pixels. */
    public static final int MAX_SIDE = 4096;

    private ImageInput() {}

    /** @throws IllegalArgumentException for a missing file or one that is not an image */
    public static BufferedImage read(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, what + " " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** @throws IllegalArgumentException for bytes that are not an image */
    public static BufferedImage read(byte[] bytes, String what) {
        try {
            return decode(new ByteArrayInputStream(bytes), what);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not an image: " + e.getMessage());
        }
    }

    private static BufferedImage decode(InputStream in, String what) throws IOException {
        BufferedImage image = ImageIO.read(in);
        if (image == null) {
            throw new IllegalArgumentException(what + " is not an image (PNG, JPEG, GIF or BMP)");
        }
        if (image.getWidth() > MAX_SIDE || image.getHeight() > MAX_SIDE) {
            throw new IllegalArgumentException(what + " is " + image.getWidth() + "x" + image.getHeight()
                    + "; at most " + MAX_SIDE + " pixels a side");
        }
        return image;
    }

    /** channels x size x size values in [0, 1]: grey (ITU-R 601 luma) for one channel, RGB for three. */
    public static float[] pixels(BufferedImage image, int channels, int size) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images of " + channels + " channels");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] planes = new float[channels][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                float r = ((rgb >> 16) & 255) / 255f;
                float g = ((rgb >> 8) & 255) / 255f;
                float b = (rgb & 255) / 255f;
                if (channels == 1) {
                    planes[0][y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    planes[0][y * w + x] = r;
                    planes[1][y * w + x] = g;
                    planes[2][y * w + x] = b;
                }
            }
        }
        float[] out = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(resample(planes[c], w, h, size), 0, out, c * size * size, size * size);
        }
        return out;
    }

    /** Values in [0, 1] mapped to the models' [-1, 1]. */
    public static float[] signed(float[] unit) {
        float[] out = new float[unit.length];
        for (int i = 0; i < unit.length; i++) {
            out[i] = 2 * unit[i] - 1;
        }
        return out;
    }

    /** Area-averaging resampling of one w x h plane to size x size. */
    static float[] resample(float[] plane, int w, int h, int size) {
        float[] rows = new float[size * h];
        for (int y = 0; y < h; y++) {
            float[] line = resample1d(plane, y * w, 1, w, size);
            System.arraycopy(line, 0, rows, y * size, size);
        }
        float[] out = new float[size * size];
        for (int x = 0; x < size; x++) {
            float[] column = resample1d(rows, x, size, h, size);
            for (int y = 0; y < size; y++) {
                out[y * size + x] = column[y];
            }
        }
        return out;
    }

    /** n samples at {@code offset + i * stride} resampled to m: output j averages input span [j n/m, (j+1) n/m). */
    private static float[] resample1d(float[] values, int offset, int stride, int n, int m) {
        float[] out = new float[m];
        for (int j = 0; j < m; j++) {
            double from = (double) j * n / m;
            double to = (double) (j + 1) * n / m;
            double sum = 0;
            for (int i = (int) Math.floor(from); i < Math.min(n, (int) Math.ceil(to)); i++) {
                double overlap = Math.min(to, i + 1) - Math.max(from, i);
                sum += overlap * values[offset + i * stride];
            }
            out[j] = (float) (sum / (to - from));
        }
        return out;
    }
}
