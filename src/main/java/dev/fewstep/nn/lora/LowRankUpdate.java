package dev.fewstep.nn.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import dev.fewstep.nn.Layer;

/**
 * The low-rank update of one frozen layer (Hu et al. 2021, Eq. 3): h = W x + (α/r) B A x with A (r × in·k·k) and
 * B (out × r). A starts Gaussian with variance 1/fan-in, B at zero, so a fresh update adds nothing. For a k×k
 * convolution A is itself a k×k convolution to r channels and B a 1×1 convolution back, which is the same as adding
 * (α/r) B A, reshaped to (out, in, k, k), to the kernel. A {@link #weight} scales the update when it is used (0: the
 * base layer alone).
 */
public final class LowRankUpdate extends Layer {
    private final Parameter down;
    private final Parameter up;
    private final int in;
    private final int out;
    private final int kernel;
    private final int rank;
    private final double scale;
    private volatile double weight = 1;

    /** @param kernel 0 for a dense layer, else the convolution's kernel size */
    public LowRankUpdate(int in, int out, int kernel, int rank, double alpha) {
        if (rank < 1) {
            throw new IllegalArgumentException("the LoRA rank must be at least 1, got " + rank);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.rank = rank;
        this.scale = alpha / rank;
        long fanIn = (long) in * Math.max(kernel, 1) * Math.max(kernel, 1);
        down = parameter("A", new Shape(rank, fanIn), fanIn(fanIn, 1.0));
        up = parameter("B", new Shape(out, rank), constant(0f));
    }

    /** Scales the update by {@code w} from now on (LoRA weights of 0.5, 1, …); the factor α/r stays. */
    public void weight(double w) {
        weight = w;
    }

    @Override
    public NDArray apply(NDArray x) {
        double factor = scale * weight;
        NDArray a = down.getArray();
        NDArray b = up.getArray();
        if (kernel == 0) {
            return Linear.linear(Linear.linear(x, a).singletonOrThrow(), b).singletonOrThrow().mul(factor);
        }
        int padding = kernel / 2;
        NDArray h = Conv2d.conv2d(x, a.reshape(rank, in, kernel, kernel), null, new Shape(1, 1),
                new Shape(padding, padding)).singletonOrThrow();
        return Conv2d.conv2d(h, b.reshape(out, rank, 1, 1)).singletonOrThrow().mul(factor);
    }

    /** A (r × in·k·k) and B (out × r). */
    public Parameter down() {
        return down;
    }

    public Parameter up() {
        return up;
    }

    public int rank() {
        return rank;
    }

    public long parameterCount() {
        return down.getArray().size() + up.getArray().size();
    }
}
