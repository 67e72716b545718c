package dev.fewstep.latent;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape of an {@link Autoencoder}; stored in its file, so a file rebuilds its own network.
 *
 * @param imageChannels 3 for emoji
 * @param imageSize side of the square images (64)
 * @param latentChannels channels of the latent z (4, as in Rombach et al. 2022's KL-f4 and KL-f8)
 * @param factor the downsampling factor f: the latent is (latentChannels, imageSize / f, imageSize / f)
 * @param baseChannels channels at full resolution; each level below doubles them, up to 4x
 * @param resBlocksPerLevel residual blocks at each resolution
 */
public record AutoencoderConfig(int imageChannels, int imageSize, int latentChannels, int factor, int baseChannels,
        int resBlocksPerLevel) {

    /**
     * Refuses shapes no model of this toolkit has, before memory is allocated for them.
     *
     * @throws IllegalArgumentException naming every field out of range
     */
    public AutoencoderConfig validated() {
        List<String> errors = new ArrayList<>();
        if (imageChannels < 1 || imageChannels > 4) errors.add("imageChannels " + imageChannels + " (1 to 4)");
        if (imageSize < 8 || imageSize > 256 || Integer.bitCount(imageSize) != 1) errors.add("imageSize " + imageSize + " (a power of 2 from 8 to 256)");
        if (latentChannels < 1 || latentChannels > 4) errors.add("latentChannels " + latentChannels + " (1 to 4: the U-Net takes up to 4)");
        if (factor != 2 && factor != 4 && factor != 8) errors.add("factor " + factor + " (2, 4 or 8)");
        else if (imageSize / factor < 8) errors.add("factor " + factor + " (the latent must be at least 8x8)");
        if (baseChannels < 8 || baseChannels > 256 || baseChannels % 8 != 0) errors.add("baseChannels " + baseChannels + " (a multiple of 8 up to 256)");
        if (resBlocksPerLevel < 1 || resBlocksPerLevel > 4) errors.add("resBlocksPerLevel " + resBlocksPerLevel + " (1 to 4)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("an autoencoder config out of range: " + String.join(", ", errors));
        }
        return this;
    }

    /** Side of the latent, imageSize / f. */
    public int latentSize() {
        return imageSize / factor;
    }

    /** Resolutions from the image's down to the latent's: log2(f) + 1 levels. */
    public int levels() {
        return Integer.numberOfTrailingZeros(factor) + 1;
    }

    /** Channels at level {@code level} (0: full resolution): doubled per level, at most 4x the base. */
    public int channels(int level) {
        return baseChannels * Math.min(1 << level, 4);
    }

    /** A very small autoencoder for tests. */
    public static AutoencoderConfig tiny(int imageSize, int factor) {
        return new AutoencoderConfig(3, imageSize, 4, factor, 8, 1);
    }
}
