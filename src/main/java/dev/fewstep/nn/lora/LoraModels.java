package dev.fewstep.nn.lora;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.util.ArrayList;
import java.util.List;

/** Loads a model with adapters folded in: what {@code generate --lora}, {@code merge} and the server call. */
public final class LoraModels {
    private LoraModels() {}

    /**
     * The model, with each adapter (checked against the model's hash before any weight changes) merged at its weight;
     * the model as it is when {@code loras} is empty.
     */
    public static DiffusionModel load(String model, List<LoraSpec> loras) {
        List<LoraMerge.Weighted> adapters = new ArrayList<>();
        for (LoraSpec spec : loras) {
            adapters.add(new LoraMerge.Weighted(LoraStore.read(spec.name()), spec.weight()));
        }
        DiffusionModel loaded = DiffusionModel.load(ModelStore.resolve(model));
        try {
            LoraMerge.apply(loaded, adapters);
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }
}
