package dev.fewstep.train.loop;

import ai.djl.nn.Block;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.train.Adam;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One named part of a training state: a network's weights or an optimiser's moments. In the state file its tensors
 * are prefixed with the slot's name and a dot, and its counters are metadata entries that start with the name.
 */
public record Slot(String name, Supplier<Map<String, Tensor>> tensors, Supplier<Map<String, String>> metadata,
        BiConsumer<Map<String, Tensor>, Map<String, String>> restore) {

    public static Slot of(String name, Block network) {
        return new Slot(name, () -> Weights.of(network), Map::of,
                (tensors, metadata) -> Weights.load(network, tensors, "the state's slot '" + name + "'"));
    }

    /** Adam's moments, and its update count as {@code NAME_updates} (bias correction depends on it). */
    public static Slot of(String name, Adam adam) {
        String counter = name + "_updates";
        return new Slot(name, adam::state, () -> Map.of(counter, Long.toString(adam.updates())), (tensors, metadata) -> {
            if (!metadata.containsKey(counter)) {
                throw new CheckpointException("the training state lacks " + counter);
            }
            adam.restore(tensors, Long.parseLong(metadata.get(counter)));
        });
    }

    /** All slots' tensors with their prefixes. */
    static Map<String, Tensor> prefixed(Iterable<Slot> slots) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Slot slot : slots) {
            slot.tensors().get().forEach((key, tensor) -> all.put(slot.name() + "." + key, tensor));
        }
        return all;
    }

    /** The tensors of one slot, prefix removed. */
    static Map<String, Tensor> of(Map<String, Tensor> all, Slot slot) {
        String prefix = slot.name() + ".";
        Map<String, Tensor> out = new HashMap<>();
        all.forEach((key, tensor) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), tensor);
            }
        });
        return out;
    }
}
