package dev.fewstep.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Tensor;
import dev.fewstep.nn.NativeMemory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Moves a block's parameters to and from named heap tensors, checking names and shapes. Values are copied into
 * the parameters' own storage ({@link NativeMemory}), never re-pointed at Java buffers.
 */
public final class Weights {
    private Weights() {}

    public static Map<String, Tensor> of(Block block) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            tensors.put(p.getKey(), tensor(p.getValue().getArray()));
        }
        return tensors;
    }

    public static Tensor tensor(NDArray array) {
        return new Tensor(array.getShape().getShape(), array.toFloatArray());
    }

    public static NDArray array(NDManager manager, Tensor tensor) {
        return manager.create(tensor.data(), new Shape(tensor.shape()));
    }

    /** Overwrites every parameter of {@code block} with the tensor of the same name. */
    public static void load(Block block, Map<String, Tensor> tensors, String source) {
        TreeSet<String> missing = new TreeSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Tensor t = tensors.get(p.getKey());
            if (t == null) {
                missing.add(p.getKey());
                continue;
            }
            NDArray target = p.getValue().getArray();
            if (!Arrays.equals(target.getShape().getShape(), t.shape())) {
                throw new CheckpointException(source + " does not match this network: '" + p.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", expected " + target.getShape());
            }
            NativeMemory.assign(target, t.data());
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(source + " does not match this network: it lacks " + missing.size()
                    + " tensors, e.g. '" + missing.first() + "'");
        }
    }

    /** Copies parameter values from one block to another of the same architecture. */
    public static void copy(Block from, Block to) {
        var source = from.getParameters();
        var target = to.getParameters();
        for (int i = 0; i < source.size(); i++) {
            NativeMemory.assign(target.get(i).getValue().getArray(), source.get(i).getValue().getArray());
        }
    }
}
