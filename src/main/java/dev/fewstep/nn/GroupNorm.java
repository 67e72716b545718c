package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/** Group normalisation (Wu &amp; He 2018) over (B, C, H, W) with a learned per-channel scale and shift. */
public final class GroupNorm extends Layer {
    private static final float EPSILON = 1e-5f;
    private final int groups;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;

    public GroupNorm(int channels, int groups) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.groups = groups;
        this.channels = channels;
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
        return OpTimes.time(OpTimes.NORMALISATION, () -> normalise(x));
    }

    private NDArray normalise(NDArray x) {
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        NDArray mean = grouped.mean(new int[] {2}, true);
        NDArray centered = grouped.sub(mean);
        NDArray variance = centered.square().mean(new int[] {2}, true);
        NDArray normalized = centered.div(variance.add(EPSILON).sqrt()).reshape(shape);
        // Parameters are stored broadcast-ready and come second, so results stay in the caller's NDManager.
        return normalized.mul(gamma.getArray()).add(beta.getArray());
    }
}
