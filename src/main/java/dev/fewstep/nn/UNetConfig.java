package dev.fewstep.nn;

import java.util.Arrays;

/**
 * Shape of a {@link UNet}. Stored in every checkpoint's metadata, so a file rebuilds its own network.
 *
 * @param imageChannels 1 for Fashion-MNIST, 3 for emoji
 * @param imageSize side of the square image (32)
 * @param baseChannels channels at full resolution
 * @param channelMultipliers channels of each level relative to {@code baseChannels}; each level halves the size
 * @param resBlocksPerLevel residual blocks per level on the way down (one more on the way up)
 * @param attentionResolutions feature-map sides that get self- and cross-attention
 * @param heads attention heads
 * @param textDim size of the prompt embedding (384 for all-MiniLM-L6-v2)
 * @param contextTokens tokens the prompt embedding is projected to for cross-attention
 * @param contextDim size of each context token
 */
public record UNetConfig(
        int imageChannels,
        int imageSize,
        int baseChannels,
        int[] channelMultipliers,
        int resBlocksPerLevel,
        int[] attentionResolutions,
        int heads,
        int textDim,
        int contextTokens,
        int contextDim) {

    /** The default for 32x32 images on two CPU cores. */
    public static UNetConfig small(int imageChannels) {
        return new UNetConfig(imageChannels, 32, 32, new int[] {1, 2, 2}, 1, new int[] {16, 8}, 2, 384, 4, 64);
    }

    /** A very small network for tests. */
    public static UNetConfig tiny(int imageChannels) {
        return new UNetConfig(imageChannels, 32, 8, new int[] {1, 2}, 1, new int[] {16}, 2, 384, 2, 8);
    }

    public int embeddingDim() {
        return 4 * baseChannels;
    }

    boolean hasAttention(int resolution) {
        return Arrays.stream(attentionResolutions).anyMatch(r -> r == resolution);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetConfig c
                && imageChannels == c.imageChannels
                && imageSize == c.imageSize
                && baseChannels == c.baseChannels
                && Arrays.equals(channelMultipliers, c.channelMultipliers)
                && resBlocksPerLevel == c.resBlocksPerLevel
                && Arrays.equals(attentionResolutions, c.attentionResolutions)
                && heads == c.heads
                && textDim == c.textDim
                && contextTokens == c.contextTokens
                && contextDim == c.contextDim;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(channelMultipliers) * 31 + baseChannels;
    }

    @Override
    public String toString() {
        return "UNetConfig[channels=" + imageChannels + ", size=" + imageSize + ", base=" + baseChannels
                + ", mult=" + Arrays.toString(channelMultipliers) + ", blocks=" + resBlocksPerLevel
                + ", attention=" + Arrays.toString(attentionResolutions) + ", heads=" + heads
                + ", context=" + contextTokens + "x" + contextDim + "]";
    }
}
