package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.latent.AutoencoderConfig;
import dev.fewstep.latent.AutoencoderLoss;
import dev.fewstep.latent.AutoencoderTrainConfig;
import dev.fewstep.latent.AutoencoderTraining;
import dev.fewstep.latent.Reconstruction;
import dev.fewstep.latent.ReconstructionGrid;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-autoencoder", description = {
    "Train the autoencoder of latent diffusion (Rombach et al. 2022): images to a (C, H/f, W/f) latent and back.",
    "Writes autoencoder.safetensors (the averaged weights) and train-state.safetensors atomically every"
        + " --checkpoint-every steps, with the held-out reconstruction PSNR, and reconstructions.png (originals left,"
        + " reconstructions right) at the end; Ctrl-C stops after the current step; --resume continues bit for bit."})
final class TrainAutoencoderCommand implements Callable<Integer> {
    private static final AutoencoderTrainConfig DEFAULTS = AutoencoderTrainConfig.DEFAULTS;

    @Option(names = "--dataset", required = true, description = "emoji")
    String dataset;

    @Option(names = "--size", description = "image side (default: ${DEFAULT-VALUE})")
    int size = DEFAULTS.network().imageSize();

    @Option(names = "--latent-channels", description = "channels of the latent (default: ${DEFAULT-VALUE})")
    int latentChannels = DEFAULTS.network().latentChannels();

    @Option(names = "--factor", description = "downsampling factor f, 4 or 8 (default: ${DEFAULT-VALUE})")
    int factor = DEFAULTS.network().factor();

    @Option(names = "--channels", description = "channels at full resolution (default: ${DEFAULT-VALUE})")
    int channels = DEFAULTS.network().baseChannels();

    @Option(names = "--blocks", description = "residual blocks per level (default: ${DEFAULT-VALUE})")
    int blocks = DEFAULTS.network().resBlocksPerLevel();

    @Option(names = "--steps", description = "optimizer steps in total (default: ${DEFAULT-VALUE})")
    int steps = DEFAULTS.steps();

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch = DEFAULTS.batch();

    @Option(names = "--lr", description = "Adam's learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = DEFAULTS.learningRate();

    @Option(names = "--edge-weight", description = "weight of the edge term (default: ${DEFAULT-VALUE})")
    double edgeWeight = DEFAULTS.loss().edgeWeight();

    @Option(names = "--kl-weight", description = "weight of the KL term per latent element (default: ${DEFAULT-VALUE})")
    double klWeight = DEFAULTS.loss().klWeight();

    @Option(names = "--data-dir", description = "read the dataset from this folder instead of the installed one")
    Path dataDir;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || run.checkpointEvery < 1 || !(learningRate > 0) || !(edgeWeight >= 0)
                || !(klWeight >= 0)) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be at least 1, --lr positive,"
                    + " --edge-weight and --kl-weight at least 0");
        }
        AutoencoderConfig network = new AutoencoderConfig(3, size, latentChannels, factor, channels, blocks).validated();
        String name = DataStore.canonical(dataset);
        ImageDataset data = DataStore.train(name, dataDir, size);
        AutoencoderTrainConfig config = new AutoencoderTrainConfig(name, network, new AutoencoderLoss(edgeWeight, klWeight),
                steps, batch, learningRate, DEFAULTS.warmupSteps(), DEFAULTS.emaDecay(), run.seed, run.checkpointEvery);
        try (AutoencoderTraining training = new AutoencoderTraining(config, data)) {
            System.out.printf("training %s on %s (%d images, %d held out), %s, %d parameters%n", run.out, name,
                    training.trainImages().count(), training.heldOutImages().count(), network,
                    training.averaged().parameterCount());
            TrainingLoop.Result result = run.run(new TrainingLoop(run.out, training), "train-autoencoder", "training",
                    training.probe());
            if (result == null) {
                return 0;
            }
            Path picture = run.out.resolve(ReconstructionGrid.FILE);
            ReconstructionGrid.write(training.averaged(), training.heldOutImages(), picture);
            double psnr = result.lastProbe().containsKey("psnr") ? result.lastProbe().get("psnr")
                    : Reconstruction.psnr(training.averaged(), training.heldOutImages(), training.manager());
            System.out.printf("done: %d steps, loss %.4f, held-out PSNR %.2f dB (%d images), %.1f s in total; %s, %s%n",
                    result.iteration(), result.means().getOrDefault("loss", Double.NaN), psnr,
                    training.heldOutImages().count(), result.seconds(),
                    run.out.resolve(dev.fewstep.latent.AutoencoderFile.FILE), picture);
        }
        return 0;
    }
}
