package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.sid.DistillListener;
import dev.fewstep.distill.sid.DistillLog;
import dev.fewstep.distill.sid.FidProbe;
import dev.fewstep.distill.sid.IntervalProbe;
import dev.fewstep.distill.sid.SampleStatisticsProbe;
import dev.fewstep.distill.sid.SidConfig;
import dev.fewstep.distill.sid.SidDistiller;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.References;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.FeatureStore;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "distill", description = "Distil a teacher into a fast generator.",
        subcommands = {DistillCommand.Sid.class, DistillCommand.Plot.class})
final class DistillCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "sid", description = {
        "Score identity Distillation with Long and Short Guidance (SiD-LSG): a one-step generator, data-free.",
        "Checkpoints every --checkpoint-every iterations (resumable with --resume); every --probe-every iterations",
        "appends losses and probe values to OUT/distill-log.jsonl, redraws OUT/fid-vs-iterations.png and OUT/preview.png."})
    static final class Sid implements Callable<Integer> {
        private static final SidConfig DEFAULTS = SidConfig.defaults();

        @Option(names = "--teacher", required = true, description = "teacher model name or folder, e.g. fashion-teacher")
        String teacher;

        @Option(names = "--out", required = true, description = "student model folder, e.g. models/fashion-sid")
        Path out;

        @Option(names = "--iterations", description = "iterations in total, each --fake-updates fake-network updates and one generator update (default: ${DEFAULT-VALUE})", defaultValue = "2000")
        int iterations;

        @Option(names = "--batch", description = "generator samples per update (default: ${DEFAULT-VALUE})", defaultValue = "16")
        int batch;

        @Option(names = "--fake-updates", description = "fake score network updates per generator update, each on fresh"
                + " samples (default: ${DEFAULT-VALUE}, the paper's; DMD2's two time-scale rule uses 5)", defaultValue = "1")
        int fakeUpdates;

        @Option(names = "--alpha", description = "alpha of the SiD generator loss (default: ${DEFAULT-VALUE}, the paper's)", defaultValue = "1.2")
        double alpha;

        @Option(names = "--sigma-init", description = "noise level of the generator's input (default: ${DEFAULT-VALUE}, the paper's)", defaultValue = "2.5")
        double sigmaInit;

        @Option(names = "--t-max", description = "largest noise step of the generator loss in 1/1000 of the Karras schedule (default: ${DEFAULT-VALUE}, the paper's)", defaultValue = "800")
        int tMax;

        @Option(names = "--guidance", description = "set all LSG guidance scales (kappa_1..kappa_4) to one value; 1 = no guidance")
        Double guidance;

        @Option(names = "--guidance-teacher", description = "kappa_4, guidance on the teacher in the generator loss (default: 2)")
        Double guidanceTeacher;

        @Option(names = "--guidance-fake-train", description = "kappa_1, guidance on the fake network while it is trained (default: 2)")
        Double guidanceFakeTrain;

        @Option(names = "--guidance-fake-eval", description = "kappa_2 = kappa_3, guidance on the fake network in the generator loss (default: 2)")
        Double guidanceFakeEval;

        @Option(names = "--lr", description = "Adam step size of both networks (default: 5e-5); the learning rates may change on --resume")
        Double learningRate;

        @Option(names = "--generator-lr", description = "Adam step size of the generator (default: --lr)")
        Double generatorLearningRate;

        @Option(names = "--fake-lr", description = "Adam step size of the fake score network (default: --lr)")
        Double fakeLearningRate;

        @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "1")
        long seed;

        @Option(names = "--checkpoint-every", description = "iterations between checkpoints (default: ${DEFAULT-VALUE})", defaultValue = "100")
        int checkpointEvery;

        @Option(names = "--probe-every", description = "iterations between log lines and probes (default: ${DEFAULT-VALUE})", defaultValue = "100")
        int probeEvery;

        @Option(names = "--probe-images", description = "images generated by each probe (default: ${DEFAULT-VALUE})", defaultValue = "64")
        int probeImages;

        @Option(names = "--fid-features", description = "feature network of the FID probe: a name or folder, 'auto' (the"
                + " teacher dataset's default, if present) or 'none' (default: ${DEFAULT-VALUE})", defaultValue = "auto")
        String fidFeatures;

        @Option(names = "--fid-images", description = "samples per FID probe (default: ${DEFAULT-VALUE})", defaultValue = "1000")
        int fidImages;

        @Option(names = "--resume", description = "continue from the checkpoint in --out")
        boolean resume;

        @Option(names = "--adversarial", description = "SiDA: add the adversarial term on real training images (the"
                + " fake network's encoder as discriminator); reads the teacher's dataset")
        boolean adversarial;

        @Option(names = "--matching-aware", description = "with --adversarial: the discriminator also calls real images"
                + " with another prompt fake, so the adversarial term checks the prompt too (Reed et al. 2016; not in"
                + " SiDA); may be switched on by --resume")
        boolean matchingAware;

        @Option(names = "--init-from", description = "start the generator from this one-step student (name or folder)"
                + " instead of the teacher; with --adversarial this is SiD\u00b2A")
        String initFrom;

        @Option(names = "--generator-warmup", description = "iterations at the start in which only the fake network trains"
                + " and the generator waits (default: 100 iterations of 16 images with --adversarial, 1000 with --init-from"
                + " alone, else 0)")
        Integer generatorWarmup;

        @Option(names = "--data-dir", description = "with --adversarial: read the training images from this folder"
                + " instead of the installed dataset")
        Path dataDir;

        SidConfig config() {
            double teacherScale = firstOf(guidanceTeacher, guidance, DEFAULTS.guidanceTeacher());
            double fakeTrainScale = firstOf(guidanceFakeTrain, guidance, DEFAULTS.guidanceFakeTrain());
            double fakeEvalScale = firstOf(guidanceFakeEval, guidance, DEFAULTS.guidanceFakeEval());
            double generatorRate = firstOf(generatorLearningRate, learningRate, DEFAULTS.generatorLearningRate());
            double fakeRate = firstOf(fakeLearningRate, learningRate, DEFAULTS.fakeLearningRate());
            return DEFAULTS.withIterations(iterations).withBatch(batch).withFakeUpdates(fakeUpdates).withAlpha(alpha).withSigmaInit(sigmaInit)
                    .withTMax(tMax).withGuidance(teacherScale, fakeTrainScale, fakeEvalScale)
                    .withLearningRates(generatorRate, fakeRate).withSeed(seed)
                    .withIntervals(checkpointEvery, probeEvery).withAdversarial(adversarial)
                    .withMatchingAware(matchingAware).withGeneratorWarmup(generatorWarmupImages()).validated();
        }

        /** The warm-up in images: as asked, else the default of SiDA or of a run from a student (none from the teacher). */
        private long generatorWarmupImages() {
            if (generatorWarmup != null) {
                if (generatorWarmup < 0) {
                    throw new IllegalArgumentException("--generator-warmup must not be negative");
                }
                return (long) generatorWarmup * batch;
            }
            if (adversarial) {
                return SidConfig.GENERATOR_WARMUP_IMAGES;
            }
            return initFrom != null ? SidConfig.STUDENT_WARMUP_IMAGES : 0;
        }

        private static double firstOf(Double specific, Double general, double fallback) {
            return specific != null ? specific : general != null ? general : fallback;
        }

        @Override
        public Integer call() throws Exception {
            if (probeImages < 2 || probeImages > 1024) {
                throw new IllegalArgumentException("--probe-images must be between 2 and 1024");
            }
            if (fidImages < 2 || fidImages > 50_000) {
                throw new IllegalArgumentException("--fid-images must be between 2 and 50000");
            }
            SidConfig config = config();
            Path teacherDir = ModelStore.resolve(teacher);
            Path teacherFile = teacherDir.resolve(ModelStore.WEIGHTS);
            String dataset = ModelInfo.fromMetadata(SafeTensors.read(teacherFile).metadata(), teacherFile.toString()).dataset();
            if (dataDir != null && !adversarial) {
                throw new IllegalArgumentException("--data-dir is only read with --adversarial (data-free SiD reads no image)");
            }
            Path initialStudent = initFrom == null ? null : ModelStore.resolve(initFrom);
            ImageDataset realData = adversarial ? DataStore.train(dataset, dataDir) : null;
            Path featureDir = featureDir(dataset);
            Files.createDirectories(out);
            IntervalProbe probe = new SampleStatisticsProbe(out, probeImages);
            try (FeatureModel features = featureDir == null ? null : FeatureModel.load(featureDir)) {
                if (features != null) {
                    ReferenceSet reference = References.loadOrBuild(features, featureDir, System.out::println);
                    probe = probe.and(new FidProbe(features, reference, fidImages));
                    System.out.printf("FID probe: %d samples against %s's reference (%s)%n", fidImages, features.name(),
                            reference.description());
                }
                return distill(config, teacherDir, probe, realData, initialStudent);
            }
        }

        /** The FID probe's feature network, or null for none. */
        private Path featureDir(String dataset) {
            if (fidFeatures.equals("none")) {
                return null;
            }
            if (!fidFeatures.equals("auto")) {
                return FeatureStore.resolve(fidFeatures);
            }
            try {
                return FeatureStore.forDataset(dataset);
            } catch (IllegalArgumentException e) {
                System.out.println("no FID probe (" + e.getMessage() + "); logging losses and sample statistics only");
                return null;
            }
        }

        private Integer distill(SidConfig config, Path teacherDir, IntervalProbe probe, ImageDataset realData,
                Path initialStudent) throws java.io.IOException {
            SidDistiller distiller = new SidDistiller(config, teacherDir, out, realData, initialStudent);
            System.out.printf("distilling %s into %s: SiD alpha %.2f, sigma_init %.2f, guidance teacher %.2f / fake %.2f (train) %.2f (eval),"
                    + " batch %d, lr %.1e / %.1e, %d fake update(s) per generator update%n", teacherDir, out, config.alpha(),
                    config.sigmaInit(), config.guidanceTeacher(), config.guidanceFakeTrain(), config.guidanceFakeEval(),
                    config.batch(), config.generatorLearningRate(), config.fakeLearningRate(), config.fakeUpdates());
            if (realData != null) {
                System.out.printf("SiDA: adversarial term on %d %s training images%s%s%n", realData.count(), realData.name(),
                        config.matchingAware() ? ", matching-aware discriminator" : "",
                        initialStudent == null ? "" : "; generator starts from " + initialStudent + " (SiD\u00b2A)");
            } else if (initialStudent != null) {
                System.out.printf("generator starts from %s%n", initialStudent);
            }
            if (config.generatorWarmupImages() > 0) {
                System.out.printf("warm-up: the generator waits %d images (%d iterations) while only the fake network trains%n",
                        config.generatorWarmupImages(), (config.generatorWarmupImages() + config.batch() - 1) / config.batch());
            }
            SidDistiller.Result result;
            try (StopOnSignal stop = new StopOnSignal("distillation", "iteration")) {
                try (Progress progress = new Progress("distill", stop)) {
                    result = distiller.distill(resume, listener(progress), probe);
                }
                if (result.stopped()) {
                    System.out.printf("stopped at iteration %d, saved in %s; --resume continues from there%n",
                            result.iterations(), out);
                    return 0;
                }
            }
            if (result.iterationsRun() == 0) { // --resume of a run that had already reached --iterations
                System.out.printf("done: %s was already at iteration %d (--iterations %d); nothing to distil%n", out,
                        result.iterations(), config.iterations());
                return 0;
            }
            System.out.printf("done: %d iterations (%.1f s in total), last losses: fake %.4f, generator %+.5f%s%n",
                    result.iterations(), result.seconds(), result.fakeLoss(), result.generatorLoss(),
                    result.skippedUpdates() > 0 ? ", " + result.skippedUpdates() + " updates skipped (non-finite)" : "");
            System.out.printf("student: %s (one step: fewstep generate --model %s ...); log: %s; curve: %s%n",
                    out.resolve(ModelStore.WEIGHTS), out, out.resolve(DistillLog.FILE), out.resolve(DistillLog.PLOT));
            if (!result.lastProbe().isEmpty()) {
                System.out.println("last probe: " + format(result.lastProbe()));
            }
            return 0;
        }

        private static DistillListener listener(Progress progress) {
            return new DistillListener() {
                @Override
                public void started(long firstIteration, long totalIterations) {
                    progress.started(firstIteration, totalIterations);
                }

                @Override
                public void iterated(long iteration, double fakeLoss, double generatorLoss, double secondsPerIteration) {
                    progress.step(iteration);
                    String generator = Double.isNaN(generatorLoss) ? "waits (warm-up)" : String.format("%+.5f", generatorLoss);
                    progress.message(String.format("fake %.4f, gen %s, %.2f s/it", fakeLoss, generator, secondsPerIteration));
                }

                @Override
                public boolean stopRequested() {
                    return progress.stopRequested();
                }
            };
        }
    }

    @Command(name = "plot", description = "Draw a distillation's FID (or losses) vs iterations to MODEL/fid-vs-iterations.png.")
    static final class Plot implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "student model name or folder holding distill-log.jsonl")
        String model;

        @Override
        public Integer call() throws Exception {
            Path dir = Path.of(model);
            if (!Files.isRegularFile(dir.resolve(DistillLog.FILE))) {
                dir = ModelStore.root().resolve(model);
            }
            Path png = dir.resolve(DistillLog.PLOT);
            String what = DistillLog.plot(dir.resolve(DistillLog.FILE), png);
            System.out.printf("wrote %s (%s vs iterations)%n", png, what);
            return 0;
        }
    }

    static String format(Map<String, Double> values) {
        return values.entrySet().stream().map(e -> String.format("%s %.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
