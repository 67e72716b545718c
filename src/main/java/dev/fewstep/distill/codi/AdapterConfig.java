package dev.fewstep.distill.codi;

import dev.fewstep.io.Json;

/**
 * Settings of a ControlNet adapter's training on a frozen teacher (EDM loss, Karras et al. 2022, Eq. 2 and its
 * log-normal noise levels); stored in the model's metadata.
 *
 * @param task the condition: superres, inpaint or sketch ({@link Condition#NAMES})
 * @param steps Adam steps in total (a resumed run continues up to this number)
 * @param batch training images per step
 * @param learningRate Adam's step size after warm-up
 * @param warmupSteps steps of linear learning-rate warm-up
 * @param emaDecay decay of the shipped weight average of the adapter
 * @param promptDropout probability that a prompt is dropped (the condition never is), so guidance works on the result
 * @param seed seeds data order, conditions, noise and noise levels
 * @param checkpointEvery steps between checkpoints
 */
public record AdapterConfig(String task, int steps, int batch, double learningRate, int warmupSteps, double emaDecay,
        double promptDropout, long seed, int checkpointEvery) {

    public static final AdapterConfig DEFAULTS = new AdapterConfig("superres", 1500, 32, 4e-4, 100, 0.995, 0.1, 1, 100);

    public AdapterConfig validated() {
        if (!Condition.NAMES.contains(task)) {
            throw new IllegalArgumentException("--task must be one of " + Condition.NAMES + ", not '" + task + "'");
        }
        if (steps < 1 || batch < 1 || checkpointEvery < 1 || !(learningRate > 0) || warmupSteps < 1
                || !(emaDecay >= 0 && emaDecay < 1) || !(promptDropout >= 0 && promptDropout < 1)) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be at least 1 and --lr positive");
        }
        return this;
    }

    public double learningRate(long step) {
        return learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
    }

    /** What keeps this run from continuing {@code saved}; steps and the checkpoint interval may change. */
    public String differencesFrom(AdapterConfig saved) {
        AdapterConfig resumable = new AdapterConfig(saved.task, steps, saved.batch, saved.learningRate, saved.warmupSteps,
                saved.emaDecay, saved.promptDropout, saved.seed, checkpointEvery);
        return dev.fewstep.train.loop.SettingsDiff.between(resumable, this);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static AdapterConfig fromJson(String json, String source) {
        return Json.read(json, AdapterConfig.class, source, "adapter settings");
    }
}
