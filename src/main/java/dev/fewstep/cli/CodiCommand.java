package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.codi.CodiConfig;
import dev.fewstep.distill.codi.CodiDistillation;
import dev.fewstep.distill.consistency.ConsistencyConfig;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "codi", description = {
    "CoDi (Mei et al. 2024): a conditional teacher (train-adapter) into a conditional consistency model that generates"
        + " in 1 to 4 steps (generate --condition ... --steps N). Conditions come from the teacher's training images.",
    "Checkpoints and resume as distill consistency."})
final class CodiCommand implements Callable<Integer> {
    private static final CodiConfig D = CodiConfig.DEFAULTS;
    private static final ConsistencyConfig C = D.consistency();

    @Option(names = "--teacher", required = true, description = "conditional teacher name or folder, e.g. fashion-sr")
    String teacher;

    @Mixin
    RunOptions run;

    @Option(names = "--parameter-efficient", description = "PE-CoDi: train the adapter only; the backbone stays the teacher's")
    boolean parameterEfficient;

    @Option(names = "--iterations", description = "iterations in total (default: ${DEFAULT-VALUE})")
    int iterations = C.iterations();

    @Option(names = "--batch", description = "training images per iteration (default: ${DEFAULT-VALUE})")
    int batch = C.batch();

    @Option(names = "--solver", description = "the teacher's step: heun (the paper's) or euler (default: ${DEFAULT-VALUE})")
    String solver = C.solver();

    @Option(names = "--guidance", description = "guidance scale w of the teacher's step (default: ${DEFAULT-VALUE})")
    double guidance = C.guidance();

    @Option(names = "--clean-weight", description = "lambda of the clean-image term (default: ${DEFAULT-VALUE})")
    double cleanWeight = D.cleanWeight();

    @Option(names = "--lr", description = "Adam step size (default: ${DEFAULT-VALUE})")
    double learningRate = C.learningRate();

    @Option(names = "--data-dir", description = "read the training images from this folder instead of the installed dataset")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        ConsistencyConfig consistency = new ConsistencyConfig(C.levels(), solver, guidance, C.huber(), C.targetDecay(),
                learningRate, C.emaDecay(), batch, iterations, run.seed, run.checkpointEvery, run.checkpointEvery);
        CodiConfig config = new CodiConfig(consistency, cleanWeight, parameterEfficient).validated();
        run.start();
        Path teacherDir = TeacherFolder.resolve(teacher, run.out);
        String digest = ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel teacherModel = DiffusionModel.load(teacherDir)) {
            ImageDataset data = DataStore.train(teacherModel.info().dataset(), dataDir);
            try (CodiDistillation distillation = new CodiDistillation(config, teacherModel, digest, data)) {
                long[] counts = distillation.parameterCounts();
                System.out.printf("CoDi%s of %s into %s: %d of the teacher's %d parameters train (%.1f %%), guidance %.2f,"
                        + " clean weight %.2f, batch %d, lr %.1e%n", parameterEfficient ? " (parameter-efficient)" : "",
                        teacherDir, run.out, counts[0], counts[1], 100.0 * counts[0] / counts[1], guidance, cleanWeight,
                        batch, learningRate);
                TrainingLoop.Result result = run.run(new TrainingLoop(run.out, distillation), "distill", "distillation",
                        Probe.NONE);
                if (result != null) {
                    System.out.printf("done: %d iterations (%.1f s in total), last: %s%n", result.iteration(),
                            result.seconds(), DistillCommand.format(result.means()));
                }
            }
        }
        return 0;
    }
}
