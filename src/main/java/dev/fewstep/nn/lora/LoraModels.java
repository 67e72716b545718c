package dev.fewstep.nn.lora;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelKinds;
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
            String kind = appliedKind(loaded, adapters);
            LoraMerge.apply(loaded, adapters);
            if (kind == null) {
                return loaded;
            }
            ModelInfo info = loaded.info();
            ModelInfo asKind = new ModelInfo(kind, info.dataset(), info.config(), info.step(), info.prompts(),
                    info.sigmas(), info.extra());
            return new DiffusionModel(loaded.name(), asKind, loaded.manager(), loaded.network(), loaded.file());
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * The kind the adapters make of the model (a consistency LoRA: "cd"), or null when they keep its kind. Such an
     * adapter changes what the network computes (a consistency function instead of a denoiser), so it is applied to a
     * teacher only, and adapters that make different kinds do not mix.
     */
    static String appliedKind(DiffusionModel model, List<LoraMerge.Weighted> adapters) {
        String kind = null;
        for (LoraMerge.Weighted l : adapters) {
            String made = l.lora().info().modelKind();
            if (made == null) {
                continue;
            }
            if (!model.kind().isTeacher()) {
                throw new IllegalArgumentException("LoRA '" + l.lora().name() + "' makes a '" + made + "' model of a"
                        + " teacher; " + model.name() + " is a '" + model.info().kind() + "' model");
            }
            if (kind != null && !kind.equals(made)) {
                throw new IllegalArgumentException("LoRA '" + l.lora().name() + "' makes a '" + made + "' model, another"
                        + " adapter a '" + kind + "' model; use one of them");
            }
            ModelKinds.of(made); // an unknown kind is refused before any weight changes
            kind = made;
        }
        return kind;
    }
}
