package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.consistency.ConsistencyConfig;
import dev.fewstep.distill.consistency.ConsistencyDistillation;
import dev.fewstep.distill.consistency.ConsistencyLoraDistillation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "consistency", description = {
    "Consistency distillation (Song et al. 2023) with the guided teacher's ODE step (LCM): a student that generates in"
        + " 1 to 4 steps (generate --steps). Reads the teacher's training images.",
    "Checkpoints, resume and probes as distill sid; the probes measure the student at 2 steps.",
    "With --lora-rank: a consistency LoRA (LCM-LoRA) on the frozen teacher, written as lora.safetensors; use it with"
        + " generate --model TEACHER --lora NAME --steps 1..4."})
final class ConsistencyCommand implements Callable<Integer> {
    private static final ConsistencyConfig D = ConsistencyConfig.DEFAULTS;

    @Option(names = "--teacher", required = true, description = "teacher model name or folder, e.g. fashion-teacher")
    String teacher;

    @Mixin
    RunOptions run;

    @Mixin
    ProbeOptions probes;

    @Option(names = "--iterations", description = "iterations in total (default: ${DEFAULT-VALUE})")
    int iterations = D.iterations();

    @Option(names = "--batch", description = "training images per iteration (default: ${DEFAULT-VALUE})")
    int batch = D.batch();

    @Option(names = "--levels", description = "N, the Karras levels of the discretised ODE (default: ${DEFAULT-VALUE}, the paper's)")
    int levels = D.levels();

    @Option(names = "--solver", description = "the teacher's step: heun (the paper's) or euler (default: ${DEFAULT-VALUE})")
    String solver = D.solver();

    @Option(names = "--guidance", description = "guidance scale w of the teacher's step (default: ${DEFAULT-VALUE})")
    double guidance = D.guidance();

    @Option(names = "--lr", description = "Adam step size (default: 1e-4; 5e-4 with --lora-rank)")
    Double learningRate;

    @Option(names = "--lora-rank", description = "train a consistency LoRA of this rank r on the frozen teacher"
            + " instead of a full student")
    Integer loraRank;

    @Option(names = "--lora-alpha", description = "adapter scale α; the update is (α/r) B A (default: r)")
    Double loraAlpha;

    @Option(names = "--lora-convolutions", description = "also adapt the 3×3 convolutions")
    boolean loraConvolutions;

    @Option(names = "--data-dir", description = "read the training images from this folder instead of the installed dataset")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (loraRank == null && (loraAlpha != null || loraConvolutions)) {
            throw new IllegalArgumentException("--lora-alpha and --lora-convolutions need --lora-rank");
        }
        LoraConfig lora = loraRank == null ? null
                : new LoraConfig(loraRank, loraAlpha == null ? loraRank : loraAlpha, loraConvolutions);
        double lr = learningRate != null ? learningRate
                : lora == null ? D.learningRate() : ConsistencyLoraDistillation.LEARNING_RATE;
        ConsistencyConfig config = new ConsistencyConfig(levels, solver, guidance, D.huber(), D.targetDecay(), lr,
                D.emaDecay(), batch, iterations, run.seed, run.checkpointEvery, probes.probeEvery).validated();
        run.start();
        Path teacherDir = TeacherFolder.resolve(teacher, run.out);
        String digest = ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel teacherModel = DiffusionModel.load(teacherDir)) {
            ImageDataset data = DataStore.train(teacherModel.info().dataset(), dataDir);
            try (ProbeOptions.Probes probe = probes.open(run.out, teacherModel.info().dataset());
                    var distillation = lora == null ? new ConsistencyDistillation(config, teacherModel, digest, data)
                            : new ConsistencyLoraDistillation(config, lora, teacherModel, digest, data)) {
                System.out.printf("consistency distillation of %s into %s on %d %s images: N %d, %s steps, guidance %.2f,"
                        + " batch %d, lr %.1e%s%n", teacherDir, run.out, data.count(), data.name(), levels, solver, guidance,
                        batch, lr, lora == null ? "" : ", LoRA rank " + lora.rank() + " alpha " + lora.alpha()
                        + (lora.convolutions() ? " with 3x3 convolutions" : ""));
                TrainingLoop.Result result = run.run(new TrainingLoop(run.out, distillation), "distill", "distillation",
                        probe.probe());
                if (result != null) {
                    System.out.printf("done: %d iterations (%.1f s in total), last: %s%s%n", result.iteration(),
                            result.seconds(), DistillCommand.format(result.means()), result.lastProbe().isEmpty() ? ""
                            : "; probe: " + DistillCommand.format(result.lastProbe()));
                }
            }
        }
        return 0;
    }
}
