package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.train.TeacherTrainer;
import dev.fewstep.train.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Train a diffusion teacher (EDM) on a dataset with prompts.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "fashion-mnist or emoji")
    String dataset;

    @Option(names = "--out", required = true, description = "model folder, e.g. models/fashion-teacher")
    Path out;

    @Option(names = "--steps", description = "optimizer steps in total (default: ${DEFAULT-VALUE})", defaultValue = "4000")
    int steps;

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})", defaultValue = "32")
    int batch;

    @Option(names = "--channels", description = "U-Net channels at full resolution (default: ${DEFAULT-VALUE})", defaultValue = "24")
    int channels;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "1")
    long seed;

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from the checkpoint in --out")
    boolean resume;

    @Option(names = "--data-dir", description = "read the dataset from this folder instead of the installed one")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || checkpointEvery < 1 || channels < 8 || channels % 8 != 0) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be at least 1, --channels a multiple of 8");
        }
        String name = DataStore.canonical(dataset);
        ImageDataset data = DataStore.train(name, dataDir);
        TrainConfig config = TrainConfig.defaults(name).withSteps(steps).withBatch(batch).withSeed(seed)
                .withCheckpointEvery(checkpointEvery).withBaseChannels(channels);
        TeacherTrainer trainer = new TeacherTrainer(config, data, out);
        System.out.printf("training %s on %s (%d images, %d prompts), %s%n", out, name, data.count(), data.prompts().size(),
                trainer.networkConfig());
        long start = System.nanoTime();
        TeacherTrainer.Result result;
        try (StopOnSignal stop = new StopOnSignal("training", "step")) {
            try (Progress progress = new Progress("train", stop)) {
                result = trainer.train(resume, progress);
            }
            if (result.stopped()) { // said before the signal's shutdown goes on (closing the StopOnSignal)
                System.out.printf("stopped at step %d, saved in %s; --resume continues from there%n", result.step(), out);
                return 0;
            }
        }
        if (result.stepsRun() == 0) { // --resume of a run that had already reached --steps
            System.out.printf("done: %s was already at step %d of %d; nothing to train%n", out, result.step(), steps);
            return 0;
        }
        System.out.printf("done: %d steps, loss %.4f, %.1f s this run; weights in %s%n", steps, result.smoothedLoss(),
                (System.nanoTime() - start) / 1e9, out.resolve("model.safetensors"));
        return 0;
    }
}
