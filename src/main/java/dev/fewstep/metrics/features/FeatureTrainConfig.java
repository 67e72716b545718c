package dev.fewstep.metrics.features;

/**
 * Settings of a feature-network training run; stored in the network's metadata.
 *
 * @param kind "fashion" (classifier) or "emoji-clip"
 * @param steps optimizer steps in total (a resumed run continues up to this number)
 * @param batch images per step (for clip: distinct names per step)
 * @param learningRate Adam's peak step size
 * @param warmupSteps steps of linear warm-up before the cosine decay
 * @param seed seeds the initial weights and the data order
 * @param checkpointEvery steps between checkpoints
 */
public record FeatureTrainConfig(
        String kind, int steps, int batch, double learningRate, int warmupSteps, long seed, int checkpointEvery) {

    public FeatureTrainConfig {
        if (steps < 1 || batch < 2 || checkpointEvery < 1 || warmupSteps < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("steps, warm-up and checkpoint interval must be at least 1, batch at least 2, "
                    + "learning rate positive");
        }
    }

    /**
     * Linear warm-up, then cosine decay to zero at the last step (Loshchilov &amp; Hutter 2017, without restarts):
     * a short run still ends with small steps, which is where a few-epoch classifier gains its last points.
     */
    public double learningRate(long step) {
        double warmup = Math.min(1.0, (step + 1.0) / warmupSteps);
        double progress = Math.min(1.0, (double) step / steps);
        return learningRate * warmup * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
