package dev.fewstep.nn.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.NativeMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Folds adapters into a network's weights: W' = W + Σ w_i (α_i/r_i) B_i A_i (Hu et al. 2021, Section 4.1: "no
 * additional inference latency"). Several adapters add up. The base must be the one each adapter was trained on.
 */
public final class LoraMerge {
    private LoraMerge() {}

    /** Refuses an adapter trained on other weights than those in {@code modelFile}. */
    public static void checkBase(Lora lora, String modelName, Path modelFile) {
        if (modelFile == null) {
            throw new IllegalArgumentException("LoRA '" + lora.name() + "' needs its base model's file to check its hash;"
                    + " " + modelName + " was built in memory");
        }
        String sha;
        try {
            sha = ModelStore.sha256(modelFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!sha.equals(lora.info().baseSha256())) {
            throw new IllegalArgumentException("LoRA '" + lora.name() + "' was trained on " + lora.info().base()
                    + " (sha256 " + lora.info().baseSha256().substring(0, 10) + "), not on the weights of " + modelName
                    + " (sha256 " + sha.substring(0, 10) + "); refused");
        }
    }

    /** Checks every adapter's base, then merges them into the model's network in place. */
    public static void apply(DiffusionModel model, List<Weighted> loras) {
        for (Weighted l : loras) {
            checkBase(l.lora(), model.name(), model.file());
        }
        for (Weighted l : loras) {
            merge(model.network(), l.lora(), l.weight());
        }
    }

    /** An adapter with the weight it is applied at. */
    public record Weighted(Lora lora, double weight) {}

    /** W += w (α/r) B A for every target of {@code lora}; a target missing from the network or of another shape is refused. */
    public static void merge(Block network, Lora lora, double weight) {
        var parameters = network.getParameters();
        for (String target : lora.factors().keySet()) {
            Parameter parameter = parameters.get(target + "_weight");
            if (parameter == null) {
                throw new CheckpointException("LoRA '" + lora.name() + "' adapts a layer '" + target
                        + "' that this network does not have");
            }
            NDArray w = parameter.getArray();
            long[] shape = w.getShape().getShape();
            Lora.Factors f = lora.factors().get(target);
            long fanIn = w.size() / shape[0];
            if (f.b().shape()[0] != shape[0] || f.a().shape()[1] != fanIn) {
                throw new CheckpointException("LoRA '" + lora.name() + "' does not fit layer '" + target + "': its update"
                        + " is " + f.b().shape()[0] + " × " + f.a().shape()[1] + ", the layer's weight " + w.getShape());
            }
            float[] values = w.toFloatArray();
            float[] delta = lora.delta(target, weight);
            for (int i = 0; i < values.length; i++) {
                values[i] += delta[i];
            }
            NativeMemory.assign(w, values);
        }
    }
}
