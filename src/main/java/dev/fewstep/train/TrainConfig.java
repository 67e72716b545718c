package dev.fewstep.train;

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

    public static TrainConfig defaults(String dataset) {
        return new TrainConfig(dataset, 4000, 32, 8e-4, 200, 0.999, 0.1, 1, 100, 24);
    }

    public TrainConfig withSteps(int n) {
        return new TrainConfig(dataset, n, batch, learningRate, warmupSteps, emaDecay, promptDropout, seed, checkpointEvery, baseChannels);
    }

    public TrainConfig withBatch(int n) {
        return new TrainConfig(dataset, steps, n, learningRate, warmupSteps, emaDecay, promptDropout, seed, checkpointEvery, baseChannels);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(dataset, steps, batch, learningRate, warmupSteps, emaDecay, promptDropout, s, checkpointEvery, baseChannels);
    }

    public TrainConfig withCheckpointEvery(int n) {
        return new TrainConfig(dataset, steps, batch, learningRate, warmupSteps, emaDecay, promptDropout, seed, n, baseChannels);
    }

    public TrainConfig withBaseChannels(int n) {
        return new TrainConfig(dataset, steps, batch, learningRate, warmupSteps, emaDecay, promptDropout, seed, checkpointEvery, n);
    }

    public double learningRate(long step) {
        return learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
    }
}
