package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.codi.AdapterConfig;
import dev.fewstep.distill.codi.AdapterTraining;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-adapter", description = {
    "Train a ControlNet adapter on a frozen teacher (EDM loss): a conditional teacher for super-resolution, inpainting"
        + " or sketches that every sampler runs (generate --condition). Conditions are made from the teacher's training"
        + " images on the fly.",
    "Checkpoints and --resume as train."})
final class TrainAdapterCommand implements Callable<Integer> {
    private static final AdapterConfig D = AdapterConfig.DEFAULTS;

    @Option(names = "--teacher", required = true, description = "teacher model name or folder, e.g. fashion-teacher")
    String teacher;

    @Option(names = "--task", required = true, description = "superres, inpaint or sketch")
    String task;

    @Mixin
    RunOptions run;

    @Option(names = "--steps", description = "Adam steps in total (default: ${DEFAULT-VALUE})")
    int steps = D.steps();

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch = D.batch();

    @Option(names = "--lr", description = "Adam step size (default: ${DEFAULT-VALUE})")
    double learningRate = D.learningRate();

    @Option(names = "--data-dir", description = "read the training images from this folder instead of the installed dataset")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        AdapterConfig config = new AdapterConfig(task, steps, batch, learningRate, D.warmupSteps(), D.emaDecay(),
                D.promptDropout(), run.seed, run.checkpointEvery).validated();
        run.start();
        Path teacherDir = TeacherFolder.resolve(teacher, run.out);
        String digest = ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel teacherModel = DiffusionModel.load(teacherDir)) {
            ImageDataset data = DataStore.train(teacherModel.info().dataset(), dataDir);
            try (AdapterTraining training = new AdapterTraining(config, teacherModel, digest, data)) {
                System.out.printf("training the %s adapter (%d parameters) on %s into %s: %d images, batch %d, lr %.1e%n",
                        task, training.trainedParameters(), teacherDir, run.out, data.count(), batch, learningRate);
                TrainingLoop.Result result = run.run(new TrainingLoop(run.out, training), "train", "training", Probe.NONE);
                if (result != null) {
                    System.out.printf("done: %d steps, loss %.4f, %.1f s in total; model in %s%n", result.iteration(),
                            result.means().getOrDefault("loss", Double.NaN), result.seconds(), run.out);
                }
            }
        }
        return 0;
    }
}
