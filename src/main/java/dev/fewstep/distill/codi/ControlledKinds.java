package dev.fewstep.distill.codi;

import dev.fewstep.diffusion.ControlledDenoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelKind;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.ControlAdapter;

/**
 * Registers conditional teachers (kind "controlled"): a frozen teacher's network and a ControlNet adapter in one file,
 * the task in the metadata's {@code task}. Every sampler runs them; guidance keeps the condition in both branches.
 */
public final class ControlledKinds {
    public static final String CONTROLLED = "controlled";
    public static final ModelKind KIND = new ModelKind(CONTROLLED, ModelKind.TEACHER,
            (network, info, weights, manager) -> {
                ControlAdapter adapter = ControlAdapter.of(network, task(info).channels(), manager);
                Weights.load(adapter, weights, "the adapter of a " + CONTROLLED + " model");
                adapter.freezeParameters(true);
                return new ControlledDenoiser(new EdmDenoiser(network), adapter);
            },
            (info, denoiser) -> new TeacherGenerator(denoiser));

    /** The condition a controlled (or CoDi) model reads, from its metadata. */
    public static Condition task(ModelInfo info) {
        String task = info.extra().get("task");
        if (task == null) {
            throw new dev.fewstep.io.CheckpointException("a " + info.kind() + " model must name its task in its metadata");
        }
        return Condition.of(task, info.config().imageChannels());
    }
}
