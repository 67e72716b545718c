package dev.fewstep.nn;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param cameraDim size of a per-sample camera ({@code Camera.embedding()}: 4), which a small MLP turns into one more
 *     context token; 0 for a network without a camera (then absent from the stored JSON, so files are unchanged)
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
        int contextDim,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int cameraDim) {

    /** A network without a camera. */
    public UNetConfig(int imageChannels, int imageSize, int baseChannels, int[] channelMultipliers, int resBlocksPerLevel,
            int[] attentionResolutions, int heads, int textDim, int contextTokens, int contextDim) {
        this(imageChannels, imageSize, baseChannels, channelMultipliers, resBlocksPerLevel, attentionResolutions, heads,
                textDim, contextTokens, contextDim, 0);
    }

    /** The same network with a camera of {@code dim} values (0 for none). */
    public UNetConfig withCamera(int dim) {
        return new UNetConfig(imageChannels, imageSize, baseChannels, channelMultipliers, resBlocksPerLevel,
                attentionResolutions, heads, textDim, contextTokens, contextDim, dim);
    }

    /**
     * Refuses shapes no model of this toolkit has, before any memory is allocated for them: a file asking for
     * {@code baseChannels} 100000 would otherwise make the engine try to allocate tens of gigabytes.
     *
     * @throws IllegalArgumentException naming every field out of range
     */
    public UNetConfig validated() {
        java.util.List<String> errors = new java.util.ArrayList<>();
        if (imageChannels < 1 || imageChannels > 4) errors.add("imageChannels " + imageChannels + " (1 to 4)");
        if (imageSize < 8 || imageSize > 256 || Integer.bitCount(imageSize) != 1) errors.add("imageSize " + imageSize + " (a power of 2 from 8 to 256)");
        if (baseChannels < 8 || baseChannels > 512 || baseChannels % 8 != 0) errors.add("baseChannels " + baseChannels + " (a multiple of 8 up to 512)");
        if (channelMultipliers == null || channelMultipliers.length < 1 || channelMultipliers.length > 5
                || Arrays.stream(channelMultipliers).anyMatch(m -> m < 1 || m > 8)
                || imageSize >> (channelMultipliers.length - 1) < 4) {
            errors.add("channelMultipliers " + Arrays.toString(channelMultipliers) + " (1 to 5 levels of 1 to 8, at least 4 pixels at the lowest)");
        }
        if (resBlocksPerLevel < 1 || resBlocksPerLevel > 4) errors.add("resBlocksPerLevel " + resBlocksPerLevel + " (1 to 4)");
        if (attentionResolutions == null || Arrays.stream(attentionResolutions).anyMatch(r -> r < 1 || r > imageSize)) {
            errors.add("attentionResolutions " + Arrays.toString(attentionResolutions) + " (sides of the feature maps)");
        }
        if (heads < 1 || heads > 16 || baseChannels % heads != 0) errors.add("heads " + heads + " (1 to 16, dividing baseChannels)");
        if (textDim < 1 || textDim > 4096) errors.add("textDim " + textDim + " (1 to 4096)");
        if (contextTokens < 1 || contextTokens > 64) errors.add("contextTokens " + contextTokens + " (1 to 64)");
        if (contextDim < 1 || contextDim > 1024) errors.add("contextDim " + contextDim + " (1 to 1024)");
        if (cameraDim < 0 || cameraDim > 64) errors.add("cameraDim " + cameraDim + " (0 to 64)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("a network config out of range: " + String.join(", ", errors));
        }
        return this;
    }

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
                && contextDim == c.contextDim
                && cameraDim == c.cameraDim;
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
                + ", context=" + contextTokens + "x" + contextDim + (cameraDim > 0 ? ", camera=" + cameraDim : "") + "]";
    }
}
