package dev.fewstep.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

final class Sigmas {
    private Sigmas() {}

    /** A (B) vector holding one noise level for the whole batch. */
    static NDArray full(NDManager manager, long batch, double sigma) {
        return manager.full(new Shape(batch), (float) sigma);
    }
}
