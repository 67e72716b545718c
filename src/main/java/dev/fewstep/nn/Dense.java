package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/** A fully connected layer acting on the last axis. */
public final class Dense extends Layer {
    private final Parameter weight;
    private final Parameter bias;

    public Dense(int in, int out, double gain) {
        weight = parameter("weight", new Shape(out, in), fanIn(in, gain));
        bias = parameter("bias", new Shape(out), constant(0f));
    }

    @Override
    public NDArray apply(NDArray x) {
        return OpTimes.time(OpTimes.LINEAR, () -> Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow());
    }
}
