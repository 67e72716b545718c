package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;

/** A 2-D convolution with "same" padding and stride 1. */
public final class Conv extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int padding;

    public Conv(int in, int out, int kernel, double gain) {
        weight = parameter("weight", new Shape(out, in, kernel, kernel), fanIn((long) in * kernel * kernel, gain));
        bias = parameter("bias", new Shape(out), constant(0f));
        padding = kernel / 2;
    }

    @Override
    public NDArray apply(NDArray x) {
        return OpTimes.time(OpTimes.CONVOLUTION, () -> Conv2d.conv2d(x, weight.getArray(), bias.getArray(),
                new Shape(1, 1), new Shape(padding, padding)).singletonOrThrow());
    }
}
