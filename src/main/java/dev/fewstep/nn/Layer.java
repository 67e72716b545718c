package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A DJL block whose parameter shapes are fixed at construction, so a whole tree initialises without shape
 * inference. Composite layers call their children's {@code apply} directly; {@link #forwardInternal} is the
 * DJL entry point and delegates to the same code.
 */
public abstract class Layer extends AbstractBlock {

    /** The layer's computation on a single input; layers with more inputs add their own methods. */
    public abstract NDArray apply(NDArray x);

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("fewstep layers compute shapes at run time");
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType);
        }
    }

    protected Parameter parameter(String name, Shape shape, Initializer initializer) {
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(shape)
                .optInitializer(initializer)
                .build());
    }

    /** He-style init scaled by fan-in; {@code gain} 0 gives the zero init used on residual outputs. */
    protected static Initializer fanIn(long fanIn, double gain) {
        return gain == 0 ? new ConstantInitializer(0f) : new NormalInitializer((float) (gain / Math.sqrt(fanIn)));
    }

    protected static Initializer constant(float value) {
        return new ConstantInitializer(value);
    }

    public static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }
}
