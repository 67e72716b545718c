package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;

/** A 2-D convolution with "same" padding and stride 1. */
public final class Conv extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    /** A low-rank update added to the output (nn.lora), or null: the layer decorated without its parent knowing. */
    private volatile Layer adapter;
    private final int padding;

    public Conv(int in, int out, int kernel, double gain) {
        weight = parameter("weight", new Shape(out, in, kernel, kernel), fanIn((long) in * kernel * kernel, gain));
        bias = parameter("bias", new Shape(out), constant(0f));
        padding = kernel / 2;
    }

    /** Adds {@code update}'s output to this layer's from now on (null removes it); see {@code nn.lora.Adapters}. */
    public void adapt(Layer update) {
        adapter = update;
    }

    public Layer adapter() {
        return adapter;
    }

    @Override
    public NDArray apply(NDArray x) {
        Layer update = adapter;
        NDArray y = base(x);
        return update == null ? y : y.add(update.apply(x));
    }

    private NDArray base(NDArray x) {
        return OpTimes.time(OpTimes.CONVOLUTION, () -> Conv2d.conv2d(x, weight.getArray(), bias.getArray(),
                new Shape(1, 1), new Shape(padding, padding)).singletonOrThrow());
    }
}
