package dev.fewstep.cli;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.threed.asd.AsdConfig;
import dev.fewstep.threed.asd.AsdDistillation;
import dev.fewstep.threed.asd.GeneratorConfig;
import dev.fewstep.threed.asd.Generator3dFile;
import dev.fewstep.threed.asd.IouProbe;
import dev.fewstep.threed.asd.PromptEmbeddings;
import dev.fewstep.threed.asd.PromptSets;
import dev.fewstep.threed.asd.ScoreDistillationLoss;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "asd", description = {
    "Distil a view-conditioned shapes teacher into ONE text-to-3D generator for all training prompts (ScaleDreamer):",
    "prompt -> triplanes -> density and colour, volume-rendered from random cameras, trained with Asynchronous Score",
    "Distillation (--loss asd) or Score Distillation Sampling (--loss sds). Checkpoints and resumes like every run;",
    "every --probe-every iterations logs the voxel IoU of a few training and held-out prompts to OUT/distill-log.jsonl."})
final class AsdCommand implements Callable<Integer> {
    private static final AsdConfig DEFAULTS = AsdConfig.DEFAULTS;

    @Option(names = "--teacher", required = true, description = "the view-conditioned teacher, e.g. shapes-teacher")
    String teacher;

    @Mixin
    RunOptions run;

    @Option(names = "--loss", description = "asd or sds (default: ${DEFAULT-VALUE})")
    String loss = "asd";

    @Option(names = "--prompts", description = "the prompt set to distil on; only 'train' (held-out prompts are kept"
            + " for evaluation) (default: ${DEFAULT-VALUE})")
    String prompts = "train";

    @Option(names = "--iterations", description = "generator updates in total (default: ${DEFAULT-VALUE})")
    long iterations = DEFAULTS.run().iterations();

    @Option(names = "--batch", description = "prompts per update, one random camera each (default: ${DEFAULT-VALUE})")
    int batch = DEFAULTS.run().batch();

    @Option(names = "--guidance", description = "classifier-free guidance scale of the teacher (default: ${DEFAULT-VALUE})")
    double guidance = DEFAULTS.guidanceScale();

    @Option(names = "--eta", description = "ASD's time shift: t+ = t + floor(eta (t - t_min) u) (default: ${DEFAULT-VALUE})")
    double eta = DEFAULTS.eta();

    @Option(names = "--lr", description = "Adam learning rate of the generator (default: ${DEFAULT-VALUE})")
    double learningRate = DEFAULTS.learningRate();

    @Option(names = "--probe-every", description = "iterations between log lines and IoU probes (default: ${DEFAULT-VALUE})")
    int probeEvery = DEFAULTS.run().probeEvery();

    @Option(names = "--probe-prompts", description = "training and held-out prompts of each IoU probe (default: ${DEFAULT-VALUE})")
    int probePrompts = 16;

    @Option(names = "--embedding-cache", description = "file of the training prompts' embeddings, reused when it holds"
            + " the same prompts (default: OUT/prompt-embeddings.safetensors)")
    Path embeddingCache;

    AsdConfig config() {
        ScoreDistillationLoss.Kind kind = switch (loss.toLowerCase(Locale.ROOT)) {
            case "asd" -> ScoreDistillationLoss.Kind.ASD;
            case "sds" -> ScoreDistillationLoss.Kind.SDS;
            default -> throw new IllegalArgumentException("--loss must be asd or sds, got '" + loss + "'");
        };
        if (!"train".equals(prompts)) {
            throw new IllegalArgumentException("--prompts " + prompts + ": a distillation only reads the training prompts"
                    + " ('train'); held-out prompts are kept for fewstep eval3d");
        }
        if (probePrompts < 1 || probePrompts > 256) {
            throw new IllegalArgumentException("--probe-prompts must be between 1 and 256");
        }
        GeneratorConfig generator = DEFAULTS.generator();
        return new AsdConfig(kind, guidance, DEFAULTS.minTime(), DEFAULTS.maxTime(), eta, learningRate,
                new AsdConfig.Run(batch, iterations, run.seed, run.checkpointEvery, probeEvery), generator).validated();
    }

    @Override
    public Integer call() throws Exception {
        AsdConfig config = config();
        run.start();
        Path teacherDir = TeacherFolder.resolve(teacher, run.out);
        String digest = ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel teacherModel = DiffusionModel.load(teacherDir)) {
            List<String> trainPrompts = PromptSets.training(teacherModel.info().prompts());
            if (teacherModel.info().config().cameraDim() == 0) {
                System.out.printf("note: %s reads no camera (a text-only teacher): it cannot tell the views apart%n", teacher);
            }
            java.nio.file.Files.createDirectories(run.out);
            Path cache = embeddingCache != null ? embeddingCache : run.out.resolve(PromptEmbeddings.FILE);
            float[] embeddings = PromptEmbeddings.of(trainPrompts, cache);
            try (AsdDistillation method = new AsdDistillation(config, teacherModel, digest, trainPrompts, embeddings)) {
                System.out.printf("distilling %s (step %d) into %s with %s: %d training prompts, batch %d, guidance %.1f,"
                        + " eta %.2f, lr %.1e, generator of %d parameters%n", teacherDir, teacherModel.info().step(), run.out,
                        config.loss(), trainPrompts.size(), config.run().batch(), config.guidanceScale(), config.eta(),
                        config.learningRate(), Long.parseLong(method.info(0, 0, java.util.Map.of()).extra().get("parameters")));
                TrainingLoop.Result result = run.run(new TrainingLoop(run.out, method), "distill", "distillation",
                        new IouProbe(method, trainPrompts, probePrompts));
                if (result != null) {
                    System.out.printf("done: %d iterations (%.1f s in total), last means: %s%n", result.iteration(),
                            result.seconds(), DistillCommand.format(result.means()));
                    System.out.printf("generator: %s; last probe: %s%n", run.out.resolve(Generator3dFile.FILE),
                            DistillCommand.format(result.lastProbe()));
                }
            }
        }
        return 0;
    }
}
