package dev.fewstep.nn.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.Conv;
import dev.fewstep.nn.Dense;
import dev.fewstep.nn.Layer;
import dev.fewstep.nn.NativeMemory;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The adapters of one network: a {@link LowRankUpdate} per adapted layer, each decorating its {@link Conv} or
 * {@link Dense} (the layer adds the update's output to its own). A block of its own, so an optimiser, a weight average
 * and a checkpoint see only the adapters, while the base network stays frozen. Targets are named by the base layer's
 * path, the prefix of its parameters ({@code 09down1_attn0_02qkv} for {@code 09down1_attn0_02qkv_weight}).
 */
public final class Adapters extends Layer {
    public static final String A = ".lora_A";
    public static final String B = ".lora_B";

    private final Map<String, LowRankUpdate> updates = new LinkedHashMap<>();
    private final Map<String, Layer> targets = new LinkedHashMap<>();
    private final LoraConfig config;

    private Adapters(LoraConfig config) {
        this.config = config;
    }

    /**
     * New adapters (A Gaussian from the engine's random seed, B zero) on every layer of {@code network} that
     * {@code config} selects; their parameters live in {@code manager}. Not yet attached.
     */
    public static Adapters create(Block network, LoraConfig config, NDManager manager) {
        Adapters adapters = new Adapters(config);
        adapters.collect(network, "");
        adapters.initialize(manager, DataType.FLOAT32);
        return adapters;
    }

    private void collect(Block block, String path) {
        for (Pair<String, Block> child : block.getChildren()) {
            String name = path.isEmpty() ? child.getKey() : path + "_" + child.getKey();
            Block layer = child.getValue();
            if (layer instanceof Conv || layer instanceof Dense) {
                long[] shape = layer.getParameters().get("weight").getArray().getShape().getShape();
                int kernel = shape.length == 4 ? (int) shape[2] : 0;
                if (config.adapts(kernel)) {
                    LowRankUpdate update = new LowRankUpdate((int) shape[1], (int) shape[0], kernel, config.rank(),
                            config.alpha());
                    updates.put(name, addChildBlock(name, update));
                    targets.put(name, (Layer) layer);
                }
            } else {
                collect(layer, name);
            }
        }
    }

    /** Every adapted layer adds its update from now on. */
    public Adapters attach() {
        targets.forEach((name, layer) -> adapt(layer, updates.get(name)));
        return this;
    }

    /** The base layers compute alone again. */
    public void detach() {
        targets.values().forEach(layer -> adapt(layer, null));
    }

    private static void adapt(Layer layer, Layer update) {
        if (layer instanceof Conv conv) {
            conv.adapt(update);
        } else {
            ((Dense) layer).adapt(update);
        }
    }

    /** Scales every update by {@code w} (0: the base network). */
    public void weight(double w) {
        updates.values().forEach(u -> u.weight(w));
    }

    public LoraConfig config() {
        return config;
    }

    /** The updates by target, in the network's order. */
    public Map<String, LowRankUpdate> updates() {
        return Collections.unmodifiableMap(updates);
    }

    public long parameterCount() {
        return updates.values().stream().mapToLong(LowRankUpdate::parameterCount).sum();
    }

    /** A and B of every target as {@code TARGET.lora_A} and {@code TARGET.lora_B}: an adapter file's tensors. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        updates.forEach((name, u) -> {
            out.put(name + A, Weights.tensor(u.down().getArray()));
            out.put(name + B, Weights.tensor(u.up().getArray()));
        });
        return out;
    }

    /** Overwrites A and B of every target from an adapter file's tensors, which must name exactly these targets. */
    public void load(Map<String, Tensor> tensors, String source) {
        if (tensors.size() != 2 * updates.size()) {
            throw new CheckpointException(source + " holds " + tensors.size() + " tensors; adapters of rank "
                    + config.rank() + " on this network have " + 2 * updates.size());
        }
        updates.forEach((name, u) -> {
            assign(u.down(), tensors.get(name + A), name + A, source);
            assign(u.up(), tensors.get(name + B), name + B, source);
        });
    }

    private static void assign(Parameter parameter, Tensor tensor, String name, String source) {
        NDArray target = parameter.getArray();
        if (tensor == null || !Arrays.equals(tensor.shape(), target.getShape().getShape())) {
            throw new CheckpointException(source + " does not match this network: '" + name + "' is "
                    + (tensor == null ? "missing" : "of shape " + Arrays.toString(tensor.shape())) + ", expected "
                    + target.getShape());
        }
        NativeMemory.assign(target, tensor.data());
    }

    @Override
    public NDArray apply(NDArray x) {
        throw new UnsupportedOperationException("adapters act through the layers they decorate");
    }
}
