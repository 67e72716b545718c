package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.threed.ShapesDataset;
import dev.fewstep.train.TeacherTraining;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", description = {"Train a diffusion teacher (EDM) on a dataset with prompts.",
    "Writes model.safetensors (the EMA weights) and train-state.safetensors (weights and Adam moments) atomically"
        + " every --checkpoint-every steps; Ctrl-C stops after the current step with a checkpoint; --resume continues"
        + " bit for bit."})
final class TrainCommand implements Callable<Integer> {
    private static final TrainConfig DEFAULTS = TrainConfig.DEFAULTS;

    @Option(names = "--dataset", required = true, description = "fashion-mnist, emoji or shapes (view-conditioned)")
    String dataset;

    @Mixin
    RunOptions run;

    @Option(names = "--steps", description = "optimizer steps in total (default: ${DEFAULT-VALUE})")
    int steps = DEFAULTS.steps();

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch = DEFAULTS.batch();

    @Option(names = "--channels", description = "U-Net channels at full resolution (default: ${DEFAULT-VALUE})")
    int channels = DEFAULTS.baseChannels();

    @Option(names = "--data-dir", description = "read the dataset from this folder instead of the installed one")
    Path dataDir;

    @Option(names = "--size", description = "image side: 32, or 64 for emoji (default: ${DEFAULT-VALUE})")
    int size = 32;

    @Option(names = "--autoencoder", description = "latent diffusion: train on the latents of this autoencoder"
            + " (a name under models/ or a folder; see train-autoencoder)")
    String autoencoder;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || run.checkpointEvery < 1 || channels < 8 || channels % 8 != 0 || channels > 512) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be at least 1, --channels a"
                    + " multiple of 8 up to 512");
        }
        String name = DataStore.canonical(dataset);
        // The shapes teacher is view-conditioned: it sees each image's camera, never a held-out combination.
        ShapesDataset shapes = name.equals("shapes") ? DataStore.shapes(dataDir).trainingOnly() : null;
        ImageDataset data = shapes != null ? shapes.images() : DataStore.train(name, dataDir, size);
        TrainConfig config = new TrainConfig(name, steps, batch, DEFAULTS.learningRate(), DEFAULTS.warmupSteps(),
                DEFAULTS.emaDecay(), DEFAULTS.promptDropout(), run.seed, run.checkpointEvery, channels);
        if (autoencoder != null) {
            return LatentTrain.run(config, data, autoencoder, run);
        }
        try (TeacherTraining training = new TeacherTraining(config, data, shapes == null ? null : shapes.cameraEmbeddings())) {
            System.out.printf("training %s on %s (%d images, %d prompts), %s%n", run.out, name, data.count(),
                    data.prompts().size(), training.networkConfig());
            TrainingLoop.Result result = run.run(new TrainingLoop(run.out, training), "train", "training", Probe.NONE);
            if (result == null) {
                return 0;
            }
            if (result.iterationsRun() == 0) { // --resume of a run that had already reached --steps
                System.out.printf("done: %s was already at step %d of %d; nothing to train%n", run.out, result.iteration(), steps);
                return 0;
            }
            System.out.printf("done: %d steps, loss %.4f, %.1f s in total; weights in %s%n", steps,
                    result.means().getOrDefault("loss", Double.NaN), result.seconds(), run.out.resolve("model.safetensors"));
        }
        return 0;
    }
}
