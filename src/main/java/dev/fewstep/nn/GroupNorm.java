package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;

/**
 * Group normalisation (Wu &amp; He 2018) over (B, C, H, W) with a learned per-channel scale and shift.
 *
 * <p>The statistics come from PyTorch's fused layer norm over (B, groups, C/groups x H x W): one native call forward
 * and one backward instead of the eight elementwise and reduction passes (with their saved temporaries) of writing
 * mean, variance and division out. Layer norm's own affine acts on the normalised axis, not on channels, so it gets
 * ones and zeros and the per-channel scale and shift follow as one multiply and one add.
 */
public final class GroupNorm extends Layer {
    private static final float EPSILON = 1e-5f;
    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;

    public GroupNorm(int channels, int groups) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.groups = groups;
        gamma = parameter("gamma", new Shape(1, channels, 1, 1), constant(1f));
        beta = parameter("beta", new Shape(1, channels, 1, 1), constant(0f));
    }

    /** Up to 32 groups, as many as divide the channel count. */
    public static GroupNorm of(int channels) {
        int g = Math.min(32, channels);
        while (channels % g != 0) {
            g--;
        }
        return new GroupNorm(channels, g);
    }

    @Override
    public NDArray apply(NDArray x) {
        // Parameters are stored broadcast-ready and come second, so results stay in the caller's NDManager.
        return OpTimes.time(OpTimes.NORMALISATION, () -> normalise(x).mul(gamma.getArray()).add(beta.getArray()));
    }

    /**
     * The normalisation followed by a per-sample, per-channel affine: gamma x̂ (1 + scale) + beta (1 + scale) + shift,
     * AdaGN's modulation folded into the layer's own scale and shift, so the full-size tensor is multiplied and added
     * once instead of twice.
     *
     * @param scale (B, C, 1, 1)
     * @param shift (B, C, 1, 1)
     */
    public NDArray apply(NDArray x, NDArray scale, NDArray shift) {
        return OpTimes.time(OpTimes.NORMALISATION, () -> {
            NDArray onePlusScale = scale.add(1);
            NDArray totalScale = onePlusScale.mul(gamma.getArray());
            NDArray totalShift = onePlusScale.mul(beta.getArray()).add(shift);
            return normalise(x).mul(totalScale).add(totalShift);
        });
    }

    /** (x - mean) / sqrt(variance + epsilon) per sample and group; the variance is the biased one. */
    private NDArray normalise(NDArray x) {
        Shape shape = x.getShape();
        long perGroup = shape.size() / (shape.get(0) * groups);
        NDManager manager = x.getManager();
        Shape normalised = new Shape(perGroup);
        return LayerNorm.layerNorm(x.reshape(shape.get(0), groups, perGroup), normalised, manager.ones(normalised),
                manager.zeros(normalised), EPSILON).singletonOrThrow().reshape(shape);
    }
}
