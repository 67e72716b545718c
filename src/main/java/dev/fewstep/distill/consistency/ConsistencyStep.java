package dev.fewstep.distill.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Batches;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.SettingsDiff;
import java.util.Map;

/**
 * One iteration of consistency distillation (Song et al. 2023, Algorithm 2), whatever is trained (a whole student or
 * LoRA adapters on the frozen teacher): training images and their prompts, a level pair t_{n+1} &gt; t_n, the guided
 * teacher's ODE step, one Adam step on {@link ConsistencyLoss}, then the target's and the shipped average's EMA.
 *
 * @param online f_theta, the trained consistency function
 * @param target f_theta^-, the EMA target
 */
record ConsistencyStep(ConsistencyConfig config, DiffusionModel teacher, EdmDenoiser online, EdmDenoiser target,
        Adam adam, Ema targetEma, Ema shippedEma, ConsistencyLoss loss, Batches batches) {

    Map<String, Double> run(Iteration iteration, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            Batches.Labelled batch = batches.labelled(scope, iteration.random(), config.batch(), 0);
            NDArray[] levels = loss.sampleLevels(scope, iteration.random(), config.batch());
            NDArray noisy = batch.images().add(scope.randomNormal(batch.images().getShape()).mul(levels[0].reshape(-1, 1, 1, 1)));
            NDArray stepped = loss.teacherStep(teacher.denoiser(), noisy, levels[0], levels[1], batch.conditioning());
            ConsistencyLoss.Value value = iteration.update(adam, config.learningRate(), Double.POSITIVE_INFINITY,
                    () -> loss.loss(online, target, noisy, stepped, levels[0], levels[1], batch.conditioning()));
            targetEma.update(iteration.index());
            shippedEma.update(iteration.index());
            return Map.of("consistency_loss", iteration.reported(value));
        }
    }

    /**
     * Refuses a resume whose saved settings differ (beyond iterations and intervals) or whose teacher changed.
     *
     * @param otherDifferences differences the caller found in its own settings, or ""
     */
    static void checkResume(ConsistencyConfig config, ModelInfo saved, String teacherDigest, String otherDifferences) {
        ConsistencyConfig before = ConsistencyConfig.fromJson(saved.extra().get("consistency"), "the training state");
        String differences = SettingsDiff.between(before.resumedAs(config), config);
        if (!otherDifferences.isEmpty()) {
            differences += (differences.isEmpty() ? "" : ", ") + otherDifferences;
        }
        if (!differences.isEmpty()) {
            throw new CheckpointException("the state was distilled with other settings: " + differences
                    + " (only iterations and intervals may change on --resume)");
        }
        if (!teacherDigest.equals(saved.extra().get("teacher_sha256"))) {
            throw new CheckpointException("the state was distilled from a different teacher (its weights changed since)");
        }
    }
}
