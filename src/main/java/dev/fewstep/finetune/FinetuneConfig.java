package dev.fewstep.finetune;

import dev.fewstep.io.Json;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.train.loop.SettingsDiff;

/**
 * Settings of a fine-tuning run: the base teacher's EDM loss on a subset of its data, either through low-rank adapters
 * (the base frozen) or on all weights (the baseline). Stored in the result's metadata.
 *
 * @param base the base model's name
 * @param dataset "emoji"
 * @param set the emoji set fine-tuned on ("google": Noto), or null for all images
 * @param lora the adapters' rank, α and placement; null for a full fine-tune
 * @param steps optimizer steps in total
 * @param batch images per step
 * @param learningRate Adam's step size after warm-up
 * @param warmupSteps steps of linear warm-up
 * @param emaDecay decay of the weight average that gets shipped (ramped up as in the teacher)
 * @param promptDropout probability of the null prompt (classifier-free guidance keeps working)
 * @param seed seeds the batches and noise, and the adapters' initial A
 * @param checkpointEvery steps between checkpoints
 */
public record FinetuneConfig(String base, String dataset, String set, LoraConfig lora, int steps, int batch,
        double learningRate, int warmupSteps, double emaDecay, double promptDropout, long seed, int checkpointEvery) {

    /**
     * LoRA's defaults. Its learning rate is five times the full fine-tune's: B starts at zero and the update is
     * (α/r) B A, so the adapters need larger steps for the same change of the weights.
     */
    public static final FinetuneConfig DEFAULTS = new FinetuneConfig(null, "emoji", "google", LoraConfig.DEFAULTS, 400,
            32, 1e-3, 20, 0.99, 0.1, 1, 100);
    /** The full fine-tune's learning rate: a quarter of the teacher's training rate, as it starts from trained weights. */
    public static final double FULL_LEARNING_RATE = 2e-4;

    public FinetuneConfig {
        if (steps < 1 || batch < 1 || checkpointEvery < 1 || warmupSteps < 1) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be at least 1");
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("--lr must be in (0, 1), got " + learningRate);
        }
    }

    public boolean full() {
        return lora == null;
    }

    public double learningRate(long step) {
        return learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
    }

    /** The dataset as named in the result's metadata, e.g. "emoji/google". */
    public String data() {
        return set == null ? dataset : dataset + "/" + set;
    }

    /** What keeps this run from continuing {@code saved}; only the steps and the checkpoint interval may change. */
    public String differencesFrom(FinetuneConfig saved) {
        FinetuneConfig resumable = new FinetuneConfig(saved.base, saved.dataset, saved.set, saved.lora, steps, saved.batch,
                saved.learningRate, saved.warmupSteps, saved.emaDecay, saved.promptDropout, saved.seed, checkpointEvery);
        return SettingsDiff.between(resumable, this);
    }

    public static FinetuneConfig fromJson(String json, String source) {
        return Json.read(json, FinetuneConfig.class, source, "fine-tuning settings");
    }
}
