package dev.fewstep.train.loop;

import ai.djl.nn.Block;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.train.Adam;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One named part of a training state: a network's weights or an optimiser's moments. In the state file its tensors
 * are prefixed with the slot's name and a dot, and its counters are metadata entries that start with the name.
 */
public interface Slot {
    String name();

    /** The slot's tensors, unprefixed. */
    Map<String, Tensor> tensors();

    /** The slot's metadata entries, with full keys. */
    Map<String, String> metadata();

    void restore(Map<String, Tensor> tensors, Map<String, String> metadata);

    static Slot of(String name, Block network) {
        return new Slot() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Tensor> tensors() {
                return Weights.of(network);
            }

            @Override
            public Map<String, String> metadata() {
                return Map.of();
            }

            @Override
            public void restore(Map<String, Tensor> tensors, Map<String, String> metadata) {
                Weights.load(network, tensors, "the state's slot '" + name + "'");
            }
        };
    }

    /** Adam's moments, and its update count as {@code NAME_updates} (bias correction depends on it). */
    static Slot of(String name, Adam adam) {
        String counter = name + "_updates";
        return new Slot() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Tensor> tensors() {
                return adam.state();
            }

            @Override
            public Map<String, String> metadata() {
                return Map.of(counter, Long.toString(adam.updates()));
            }

            @Override
            public void restore(Map<String, Tensor> tensors, Map<String, String> metadata) {
                if (!metadata.containsKey(counter)) {
                    throw new CheckpointException("the training state lacks " + counter);
                }
                adam.restore(tensors, Long.parseLong(metadata.get(counter)));
            }
        };
    }

    /** All slots' tensors with their prefixes. */
    static Map<String, Tensor> prefixed(Iterable<Slot> slots) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Slot slot : slots) {
            slot.tensors().forEach((key, tensor) -> all.put(slot.name() + "." + key, tensor));
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
