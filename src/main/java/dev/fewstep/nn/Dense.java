package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/** A fully connected layer acting on the last axis. */
public final class Dense extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    /** A low-rank update added to the output (nn.lora), or null: the layer decorated without its parent knowing. */
    private volatile Layer adapter;

    public Dense(int in, int out, double gain) {
        weight = parameter("weight", new Shape(out, in), fanIn(in, gain));
        bias = parameter("bias", new Shape(out), constant(0f));
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
        return OpTimes.time(OpTimes.LINEAR, () -> Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow());
    }
}
