package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** Non-overlapping max pooling that halves height and width; no parameters. */
public final class MaxPool extends Layer {
    private static final Shape WINDOW = new Shape(2, 2);
    private static final Shape NO_PADDING = new Shape(0, 0);

    @Override
    public NDArray apply(NDArray x) {
        return Pool.maxPool2d(x, WINDOW, WINDOW, NO_PADDING, false);
    }
}
