package dev.fewstep.distill.consistency;

import dev.fewstep.model.ModelKind;
import java.util.List;

/** Registers consistency students (kind "cd") with the model kinds. */
public final class ConsistencyKinds implements ModelKind.Source {
    @Override
    public List<ModelKind> kinds() {
        return List.of(ConsistencyDistillation.KIND);
    }
}
