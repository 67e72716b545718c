package dev.fewstep.train.loop;

import ai.djl.nn.Block;
import dev.fewstep.io.Tensor;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A run's two files in its output folder: the training state ({@link #STATE}: every slot, the iteration and the
 * seconds) and the shipped model ({@code model.safetensors}). Both are written atomically, the state first: if the
 * process dies between the two writes, a resume starts from the newer state and the shipped weights are at most one
 * checkpoint old.
 */
public final class Checkpoint {
    public static final String STATE = "train-state.safetensors";

    private Checkpoint() {}

    /** Where a restored run stands. */
    public record Position(long iteration, double seconds) {}

    public static void save(Path dir, TrainingMethod method, long iteration, double seconds, Map<String, Double> means)
            throws IOException {
        ModelInfo info = method.info(iteration, seconds, means);
        Map<String, String> metadata = new HashMap<>(info.toMetadata());
        metadata.put("iteration", Long.toString(iteration));
        metadata.put("seconds", Double.toString(seconds));
        method.slots().forEach(slot -> metadata.putAll(slot.metadata().get()));
        SafeTensors.write(dir.resolve(STATE), Slot.prefixed(method.slots()), metadata);
        method.ship(dir.resolve(method.shippedFile()), info);
    }

    /** The shipped network's tensors and those of the blocks beside it. */
    static Map<String, Tensor> shippedWeights(TrainingMethod method) {
        Map<String, Tensor> weights = new java.util.LinkedHashMap<>(Weights.of(method.shipped()));
        for (Block beside : method.shippedBeside()) {
            Weights.of(beside).forEach((name, tensor) -> {
                if (weights.put(name, tensor) != null) {
                    throw new IllegalStateException("two shipped blocks name a tensor '" + name + "'");
                }
            });
        }
        return weights;
    }

    /** Restores every slot and the shipped weights, after the method has accepted the saved run. */
    public static Position restore(Path dir, TrainingMethod method) {
        Path statePath = dir.resolve(STATE);
        SafeTensors.Contents state = SafeTensors.read(statePath);
        Map<String, String> metadata = state.metadata();
        ModelInfo saved = ModelInfo.fromMetadata(metadata, statePath.toString());
        if (!method.kind().equals(saved.kind()) || !metadata.containsKey("iteration")) {
            throw new CheckpointException(statePath + " is not a training state of a '" + method.kind() + "' run (it says kind '"
                    + saved.kind() + "')");
        }
        method.continueFrom(saved, metadata);
        for (Slot slot : method.slots()) {
            slot.restore().accept(Slot.of(state.tensors(), slot), metadata);
        }
        method.restoreShipped(dir.resolve(method.shippedFile()));
        return new Position(Long.parseLong(metadata.get("iteration")), Double.parseDouble(metadata.get("seconds")));
    }
}
