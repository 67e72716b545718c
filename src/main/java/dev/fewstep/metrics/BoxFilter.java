package dev.fewstep.metrics;

import java.util.Locale;

/**
 * Integer-factor downsampling by a box filter: each output pixel is the mean of a factor × factor block of input
 * pixels. This is how the 32×32 emoji are made from their 64×64 sources ({@code Emoji.toChannelsFirst}), so a model
 * that generates 64×64 images is measured by a 32×32 feature network on images made as the 32×32 data were.
 */
public final class BoxFilter {
    private BoxFilter() {}

    /**
     * @param pixels {@code count} channels-first images of side {@code size}
     * @return the images at side {@code target}, the same array when {@code target == size}
     * @throws IllegalArgumentException when {@code size} is not a multiple of {@code target}
     */
    public static float[] downsample(float[] pixels, int count, int channels, int size, int target) {
        if (target <= 0 || size % target != 0) {
            throw new IllegalArgumentException("images of " + size + "x" + size + " cannot be box-filtered to "
                    + target + "x" + target + " (the side must be a multiple of the target's)");
        }
        if ((long) count * channels * size * size != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel values are not " + count + " images of "
                    + channels + "x" + size + "x" + size);
        }
        if (size == target) {
            return pixels;
        }
        int factor = size / target;
        float[] out = new float[count * channels * target * target];
        for (int plane = 0; plane < count * channels; plane++) {
            int in = plane * size * size;
            int at = plane * target * target;
            for (int y = 0; y < target; y++) {
                for (int x = 0; x < target; x++) {
                    double sum = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        int row = in + (y * factor + dy) * size + x * factor;
                        for (int dx = 0; dx < factor; dx++) {
                            sum += pixels[row + dx];
                        }
                    }
                    out[at + y * target + x] = (float) (sum / (factor * factor));
                }
            }
        }
        return out;
    }

    /** How images of side {@code size} are measured by a feature network of side {@code target}, e.g. for a report. */
    public static String describe(int size, int target) {
        return size == target ? String.format(Locale.ROOT, "%dx%d", target, target)
                : String.format(Locale.ROOT, "%dx%d (downsampled from %dx%d by a %dx%d box filter)", target, target,
                        size, size, size / target, size / target);
    }
}
