package dev.fewstep.train;

import dev.fewstep.io.Json;
import dev.fewstep.train.loop.SettingsDiff;

/**
 * Settings of a teacher training run; stored in the model's metadata.
 *
 * @param dataset "fashion-mnist" or "emoji"
 * @param steps optimizer steps in total (a resumed run continues up to this number)
 * @param batch images per step
 * @param learningRate Adam's step size after warm-up
 * @param warmupSteps steps of linear learning-rate warm-up
 * @param emaDecay decay of the weight average that gets shipped
 * @param promptDropout probability that a training prompt is replaced by the null embedding (for guidance)
 * @param seed seeds data order, noise and noise levels
 * @param checkpointEvery steps between checkpoints
 * @param baseChannels channels of the U-Net at full resolution
 */
public record TrainConfig(
        String dataset, int steps, int batch, double learningRate, int warmupSteps, double emaDecay,
        double promptDropout, long seed, int checkpointEvery, int baseChannels) {

    /** The defaults, for the CLI's options and their help. */
    public static final TrainConfig DEFAULTS = new TrainConfig(null, 4000, 32, 8e-4, 200, 0.999, 0.1, 1, 100, 24);

    public double learningRate(long step) {
        return learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
    }

    /** What keeps this run from continuing {@code saved}, "name saved -> asked"; steps and intervals may change. */
    public String differencesFrom(TrainConfig saved) {
        TrainConfig resumable = new TrainConfig(saved.dataset, steps, saved.batch, saved.learningRate, saved.warmupSteps,
                saved.emaDecay, saved.promptDropout, saved.seed, checkpointEvery, saved.baseChannels);
        return SettingsDiff.between(resumable, this);
    }

    public static TrainConfig fromJson(String json, String source) {
        return Json.read(json, TrainConfig.class, source, "training settings");
    }
}
