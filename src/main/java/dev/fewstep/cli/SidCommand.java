package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.sid.SidConfig;
import dev.fewstep.distill.sid.SidDistillation;
import dev.fewstep.distill.sid.SidSetup;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sid", description = {
    "Score identity Distillation with Long and Short Guidance (SiD-LSG): a one-step generator, data-free.",
    "Checkpoints every --checkpoint-every iterations (resumable with --resume); every --probe-every iterations",
    "appends losses and probe values to OUT/distill-log.jsonl, redraws OUT/fid-vs-iterations.png and OUT/preview.png."})
final class SidCommand implements Callable<Integer> {
    private static final SidConfig DEFAULTS = SidConfig.DEFAULTS;

    @Option(names = "--teacher", required = true, description = "teacher model name or folder, e.g. fashion-teacher")
    String teacher;

    @Mixin
    RunOptions run;

    @Option(names = "--iterations", description = "iterations in total, each --fake-updates fake-network updates and one"
            + " generator update (default: ${DEFAULT-VALUE})")
    int iterations = DEFAULTS.run().iterations();

    @Option(names = "--batch", description = "generator samples per update (default: ${DEFAULT-VALUE})")
    int batch = DEFAULTS.run().batch();

    @Mixin
    ProbeOptions probes;

    @ArgGroup(exclusive = false, validate = false, heading = "%nSiD loss%n")
    SidOptions.Loss loss = new SidOptions.Loss();

    @ArgGroup(exclusive = false, validate = false, heading = "%nLong and short guidance (default: 2 each)%n")
    SidOptions.Guidance guidance = new SidOptions.Guidance();

    @ArgGroup(exclusive = false, validate = false, heading = "%nOptimiser%n")
    SidOptions.Optimiser optimiser = new SidOptions.Optimiser();

    @ArgGroup(exclusive = false, validate = false, heading = "%nSiDA (adversarial term on real images)%n")
    SidOptions.Sida sida = new SidOptions.Sida();

    @Option(names = "--init-from", description = "start the generator from this one-step student (name or folder)"
            + " instead of the teacher; with --adversarial this is SiD\u00b2A")
    String initFrom;

    @Option(names = "--generator-warmup", description = "iterations at the start in which only the fake network trains"
            + " and the generator waits (default: 100 iterations of 16 images with --adversarial, 1000 with --init-from"
            + " alone, else 0)")
    Integer generatorWarmup;

    @Option(names = "--data-dir", description = "with --adversarial: read the training images from this folder")
    Path dataDir;

    SidConfig config() {
        SidConfig.Run runSection = new SidConfig.Run(batch, iterations, run.seed, run.checkpointEvery, probes.probeEvery,
                generatorWarmupImages());
        return new SidConfig(loss.toLoss(), guidance.toLsg(), optimiser.toOptimiser(), runSection, sida.toSida()).validated();
    }

    /** The warm-up in images: as asked, else the default of SiDA or of a run from a student (none from the teacher). */
    private long generatorWarmupImages() {
        if (generatorWarmup != null) {
            if (generatorWarmup < 0) {
                throw new IllegalArgumentException("--generator-warmup must not be negative");
            }
            return (long) generatorWarmup * batch;
        }
        if (sida.adversarial) {
            return SidConfig.SIDA_WARMUP_IMAGES;
        }
        return initFrom != null ? SidConfig.STUDENT_WARMUP_IMAGES : 0;
    }

    @Override
    public Integer call() throws Exception {
        SidConfig config = config();
        run.start();
        Path teacherDir = ModelStore.resolve(teacher);
        Path teacherFile = teacherDir.resolve(ModelStore.WEIGHTS);
        ModelInfo teacherInfo = ModelInfo.fromMetadata(SafeTensors.read(teacherFile).metadata(), teacherFile.toString());
        String dataset = teacherInfo.dataset();
        if (dataDir != null && !config.adversarial()) {
            throw new IllegalArgumentException("--data-dir is only read with --adversarial (data-free SiD reads no image)");
        }
        Path initialStudent = initFrom == null ? null : ModelStore.resolve(initFrom);
        ImageDataset realData = config.adversarial() ? DataStore.train(dataset, dataDir) : null;
        SidSetup setup = SidSetup.of(teacherDir, run.out, realData, initialStudent);
        try (ProbeOptions.Probes probe = probes.open(run.out, dataset, teacherInfo.imageSize());
                DiffusionModel teacherModel = DiffusionModel.load(teacherDir);
                SidDistillation distillation = new SidDistillation(config, teacherModel, setup)) {
            describe(config, teacherDir, realData, initialStudent);
            TrainingLoop.Result result = run.run(new TrainingLoop(run.out, distillation), "distill", "distillation",
                    probe.probe());
            if (result != null) {
                report(result, config);
            }
            return 0;
        }
    }

    private void describe(SidConfig config, Path teacherDir, ImageDataset realData, Path initialStudent) {
        SidConfig.Lsg g = config.guidance();
        System.out.printf("distilling %s into %s: SiD alpha %.2f, sigma_init %.2f, guidance teacher %.2f / fake %.2f (train)"
                + " %.2f (eval), batch %d, lr %.1e / %.1e, %d fake update(s) per generator update%n", teacherDir, run.out,
                config.loss().alpha(), config.loss().sigmaInit(), g.teacher(), g.fakeTrain(), g.fakeEval(),
                config.run().batch(), config.optimiser().generatorLearningRate(), config.optimiser().fakeLearningRate(),
                config.optimiser().fakeUpdates());
        if (realData != null) {
            System.out.printf("SiDA: adversarial term on %d %s training images%s%s%n", realData.count(), realData.name(),
                    config.matchingAware() ? ", matching-aware discriminator" : "",
                    initialStudent == null ? "" : "; generator starts from " + initialStudent + " (SiD\u00b2A)");
        } else if (initialStudent != null) {
            System.out.printf("generator starts from %s%n", initialStudent);
        }
        long warmup = config.run().generatorWarmupImages();
        if (warmup > 0) {
            System.out.printf("warm-up: the generator waits %d images (%d iterations) while only the fake network trains%n",
                    warmup, (warmup + config.run().batch() - 1) / config.run().batch());
        }
    }

    private void report(TrainingLoop.Result result, SidConfig config) {
        if (result.iterationsRun() == 0) { // --resume of a run that had already reached --iterations
            System.out.printf("done: %s was already at iteration %d (--iterations %d); nothing to distil%n", run.out,
                    result.iteration(), config.run().iterations());
            return;
        }
        System.out.printf("done: %d iterations (%.1f s in total), last losses: %s%s%n", result.iteration(),
                result.seconds(), DistillCommand.format(result.means()),
                result.skippedUpdates() > 0 ? ", " + result.skippedUpdates() + " updates skipped (non-finite)" : "");
        System.out.printf("student: %s (one step: fewstep generate --model %s ...); log: %s; curve: %s%n",
                run.out.resolve(ModelStore.WEIGHTS), run.out, run.out.resolve(SidDistillation.LOG),
                run.out.resolve(SidDistillation.PLOT));
        if (!result.lastProbe().isEmpty()) {
            System.out.println("last probe: " + DistillCommand.format(result.lastProbe()));
        }
    }
}
