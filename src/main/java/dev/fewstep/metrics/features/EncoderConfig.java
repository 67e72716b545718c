package dev.fewstep.metrics.features;

import java.util.Arrays;

/**
 * The shape of a {@link ConvEncoder}: square images in, one conv stage per width (each halving the
 * resolution), then a dense layer to the feature vector.
 *
 * @param imageChannels 1 (Fashion-MNIST) or 3 (emoji)
 * @param imageSize side of the square input images
 * @param widths channels of each conv stage
 * @param featureDim length of the feature vector (the penultimate layer, the feature space of FID)
 * @param groups group-norm groups per stage
 */
public record EncoderConfig(int imageChannels, int imageSize, int[] widths, int featureDim, int groups) {
    public EncoderConfig {
        if (widths.length == 0 || imageSize >> widths.length < 1 || imageSize % (1 << widths.length) != 0) {
            throw new IllegalArgumentException(widths.length + " halving stages do not fit " + imageSize + "-pixel images");
        }
        for (int w : widths) {
            if (w % groups != 0) {
                throw new IllegalArgumentException(w + " channels do not split into " + groups + " groups");
            }
        }
        widths = widths.clone();
    }

    /** Resolution after the last stage. */
    public int finalSize() {
        return imageSize >> widths.length;
    }

    /** Length of the flattened last feature map. */
    public int flatLength() {
        return widths[widths.length - 1] * finalSize() * finalSize();
    }

    public int imageLength() {
        return imageChannels * imageSize * imageSize;
    }

    @Override
    public int[] widths() {
        return widths.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncoderConfig c && c.imageChannels == imageChannels && c.imageSize == imageSize
                && Arrays.equals(c.widths, widths) && c.featureDim == featureDim && c.groups == groups;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(widths) * 31 + imageChannels * 17 + imageSize * 7 + featureDim + groups;
    }

    @Override
    public String toString() {
        return "EncoderConfig[channels=" + imageChannels + ", size=" + imageSize + ", widths=" + Arrays.toString(widths)
                + ", featureDim=" + featureDim + ", groups=" + groups + "]";
    }
}
