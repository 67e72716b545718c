package dev.fewstep.model;

import ai.djl.engine.EngineException;
import dev.fewstep.io.CheckpointException;
import java.nio.file.Path;
import java.util.Optional;

/** Whether a model folder can be used, each on its own: one broken file must not hide or break the others. */
public final class ModelCheck {
    private ModelCheck() {}

    /** Why the model in {@code dir} cannot be loaded, or empty if it loads: metadata, kind, config and every tensor. */
    public static Optional<String> problem(Path dir) {
        try (DiffusionModel ignored = DiffusionModel.load(dir)) {
            return Optional.empty();
        } catch (CheckpointException | IllegalArgumentException | EngineException e) {
            return Optional.of(e.getMessage());
        }
    }
}
