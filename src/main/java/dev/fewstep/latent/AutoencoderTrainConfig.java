package dev.fewstep.latent;

import dev.fewstep.io.Json;
import dev.fewstep.train.loop.SettingsDiff;

/**
 * Settings of an autoencoder training run; stored in its file's metadata.
 *
 * @param dataset the images ("emoji")
 * @param network the autoencoder's shape
 * @param loss the weights of the loss's terms
 * @param steps Adam steps in total (a resumed run continues up to this number)
 * @param batch images per step
 * @param learningRate Adam's step size after warm-up
 * @param warmupSteps steps of linear learning-rate warm-up
 * @param emaDecay decay of the weight average that gets shipped
 * @param seed seeds the batches, the latent samples and the initial weights
 * @param checkpointEvery steps between checkpoints (and reconstruction probes)
 */
public record AutoencoderTrainConfig(String dataset, AutoencoderConfig network, AutoencoderLoss loss, int steps,
        int batch, double learningRate, int warmupSteps, double emaDecay, long seed, int checkpointEvery) {

    /** The defaults, for the CLI's options and their help: emoji at 64, f = 4, 4 latent channels. */
    public static final AutoencoderTrainConfig DEFAULTS = new AutoencoderTrainConfig("emoji",
            new AutoencoderConfig(3, 64, 4, 4, 32, 1), AutoencoderLoss.DEFAULTS, 3000, 16, 5e-4, 100, 0.999, 1, 100);

    public double learningRate(long step) {
        return learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
    }

    /** What keeps this run from continuing {@code saved}, "name saved -> asked"; steps and intervals may change. */
    public String differencesFrom(AutoencoderTrainConfig saved) {
        AutoencoderTrainConfig resumable = new AutoencoderTrainConfig(saved.dataset, saved.network, saved.loss, steps,
                saved.batch, saved.learningRate, saved.warmupSteps, saved.emaDecay, saved.seed, checkpointEvery);
        return SettingsDiff.between(resumable, this);
    }

    public static AutoencoderTrainConfig fromJson(String json, String source) {
        return Json.read(json, AutoencoderTrainConfig.class, source, "autoencoder training settings");
    }
}
