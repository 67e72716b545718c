package dev.fewstep.distill.sid;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.Adam;
import dev.fewstep.train.DivergedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Distils a teacher into a one-step generator with Score identity Distillation (see {@link SidLoss}), data-free:
 * only the teacher's prompt vocabulary is used, no image is read.
 *
 * <p>Each iteration follows the order of SiD's {@code sid_training_loop.py}: (a) the fake score network f_psi takes
 * one Adam step on denoising score matching over fresh generator samples (no gradient into G; {@code --fake-updates}
 * K takes K such steps, each on fresh samples, a deviation from the paper's 1), then (b) the
 * generator G_theta takes one Adam step on the SiD loss over another fresh batch, with teacher and f_psi frozen;
 * then the generator's weight average is updated. G and f_psi both start as copies of the teacher; the teacher is
 * loaded frozen and never updated.
 *
 * <p>Outputs in {@code outDir}: {@code model.safetensors} (the averaged generator, kind "sid", the weights that are
 * shipped), {@code train-state.safetensors} (raw generator, fake network, both Adam states; both files written
 * atomically, state first), {@code distill-log.jsonl} and {@code fid-vs-iterations.png} (every probe), and whatever
 * the probe writes (e.g. {@code preview.png}). {@code resume} continues from the state bit for bit.
 *
 * <p>With {@link SidConfig#adversarial()} the run is SiDA ({@link SidaLoss}): the fake update also trains the fake
 * network's encoder as a discriminator between diffused real training images and generator samples for the same
 * prompts, and the generator loss gains the adversarial term. Started from a SiD student ({@code initialStudent}:
 * generator and its average from the student, the fake network from the teacher) it is the paper's SiD²A. A
 * data-free run may start from a student too, to continue one whose training state is lost; the generator then
 * waits {@link SidConfig#generatorWarmupImages()} images while the fake network learns the student's samples.
 */
public final class SidDistiller {
    public static final String STATE = "train-state.safetensors";
    /**
     * Consecutive iterations with a skipped (non-finite) update after which the run stops; counted in iterations, not
     * updates, so that the limit does not depend on the fake updates per iteration. The last checkpoint stays usable.
     */
    static final int MAX_SKIPPED_ITERATIONS_IN_A_ROW = 5;
    /**
     * Metadata key of the learning rates a resumed run used before {@code --resume} changed them, one
     * "FROM-TO: generator G, fake F" segment per change; {@code extra.sid} holds the current ones.
     */
    public static final String EARLIER_LEARNING_RATES = "earlier_learning_rates";
    /** Metadata key: images the student a run started from had seen; its weight average continues from there. */
    public static final String STUDENT_IMAGES = "student_images";
    /**
     * Metadata key: the iterations at which {@code --resume} switched the matching-aware discriminator, e.g. "on at
     * 2592"; {@code extra.sid} holds whether it is on now.
     */
    public static final String MATCHING_AWARE_SWITCHES = "matching_aware_switches";
    private static final Pattern RATE_SEGMENT = Pattern.compile("\\d+-(\\d+): generator .*, fake .*");

    private final SidConfig config;
    private final Path teacherDir;
    private final Path outDir;
    private final ImageDataset realData;
    private final Path initialStudent;

    /**
     * How the run ended: the iteration reached and how many of them this run did (0 for a {@code --resume} of a run
     * already at its last iteration), the losses averaged over the last probe interval this run logged, time and
     * probe, and whether it stopped before its last iteration because the listener asked it to.
     */
    public record Result(long iterations, long iterationsRun, double fakeLoss, double generatorLoss, double seconds,
            int skippedUpdates, Map<String, Double> lastProbe, boolean stopped) {}

    public SidDistiller(SidConfig config, Path teacherDir, Path outDir) {
        this(config, teacherDir, outDir, null, null);
    }

    /**
     * @param realData training images for SiDA's adversarial term; required exactly when the config is adversarial
     * @param initialStudent a one-step student folder whose weights start the generator (SiD²A), or null for the
     *     teacher's; only read when the run starts from iteration 0
     */
    public SidDistiller(SidConfig config, Path teacherDir, Path outDir, ImageDataset realData, Path initialStudent) {
        this.config = config.validated();
        this.teacherDir = teacherDir;
        this.outDir = outDir;
        if (config.adversarial() && realData == null) {
            throw new IllegalArgumentException("the adversarial term (SiDA) needs the training images");
        }
        if (!config.adversarial() && realData != null) {
            throw new IllegalArgumentException("training images are only read by the adversarial term (SiDA)");
        }
        if (config.matchingAware() && realData.prompts().size() < 2) {
            throw new IllegalArgumentException("the matching-aware discriminator needs training images of at least two"
                    + " prompts; " + realData.name() + " has " + realData.prompts().size());
        }
        this.realData = realData;
        this.initialStudent = initialStudent;
    }

    public SidConfig config() {
        return config;
    }

    public Result distill(boolean resume, DistillListener listener, IntervalProbe probe) throws IOException {
        if (outDir.toAbsolutePath().normalize().equals(teacherDir.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must not be the teacher's folder " + teacherDir);
        }
        String teacherDigest = sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        Files.createDirectories(outDir);
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            return distill(teacher, teacherDigest, resume, listener, probe);
        }
    }

    /** The same with the teacher already loaded (frozen); tests use it to look at the teacher afterwards. */
    Result distill(DiffusionModel teacher, String teacherDigest, boolean resume, DistillListener listener,
            IntervalProbe probe) throws IOException {
        if (teacher.info().isOneStep()) {
            throw new IllegalArgumentException(teacherDir + " holds a one-step model (kind " + teacher.info().kind()
                    + "); distil from a teacher");
        }
        Files.createDirectories(outDir);
        try (NDManager manager = NDManager.newBaseManager()) {
            Run run = new Run(teacher, manager, teacherDigest);
            return run.execute(resume, listener, probe);
        }
    }

    /** The networks and optimisers of one distillation, and its loop. */
    private final class Run {
        private final DiffusionModel teacher;
        private final NDManager manager;
        private final String teacherDigest;
        private final UNet generatorNetwork;
        private final UNet fakeNetwork;
        private final UNet averageNetwork;
        private final OneStepGenerator generator;
        private final EdmDenoiser fake;
        private final Adam generatorAdam;
        private final Adam fakeAdam;
        private final HalfLifeEma ema;
        private final SidLoss loss;
        private final SidaLoss adversarialLoss;
        private final float[] promptEmbeddings;
        private final float[] realPromptEmbeddings;
        private final int promptCount;
        private final DistillLog log = new DistillLog(outDir);
        private int skippedTotal;
        /** Whether an update of the current iteration was skipped, and how many iterations in a row had one. */
        private boolean skippedThisIteration;
        private int skippedIterationsInARow;
        private long lastCheckpoint;
        /** The student the generator started from and its step, kept in the metadata across resumes. */
        private String initializedFrom;
        /** Images the student started from had seen (0 from the teacher): its average keeps the half-life it had. */
        private long studentImages;
        /** Earlier learning rates of a run resumed with new ones ("0-1400: generator 5.0E-5, fake 5.0E-5; ..."). */
        private String earlierLearningRates;
        /** When resumes switched the matching-aware discriminator ("on at 2592; ..."), or null. */
        private String matchingAwareSwitches;

        Run(DiffusionModel teacher, NDManager manager, String teacherDigest) {
            this.teacher = teacher;
            this.manager = manager;
            this.teacherDigest = teacherDigest;
            var networkConfig = teacher.info().config();
            generatorNetwork = UNet.create(networkConfig, manager);
            fakeNetwork = UNet.create(networkConfig, manager);
            averageNetwork = UNet.create(networkConfig, manager);
            Weights.copy(teacher.network(), generatorNetwork);
            Weights.copy(teacher.network(), fakeNetwork);
            // Every network is frozen except while its own loss is being differentiated and stepped: DJL's PyTorch
            // gradients accumulate on parameters until an Adam step zeroes them, so a network that is merely
            // evaluated inside another's gradient collector must not require gradients.
            generatorNetwork.freezeParameters(true);
            fakeNetwork.freezeParameters(true);
            averageNetwork.freezeParameters(true);
            generator = new OneStepGenerator(generatorNetwork, config.sigmaInit());
            fake = new EdmDenoiser(fakeNetwork);
            generatorAdam = new Adam(generatorNetwork, manager, config.beta1(), config.beta2(), config.epsilon());
            fakeAdam = new Adam(fakeNetwork, manager, config.beta1(), config.beta2(), config.epsilon());
            ema = new HalfLifeEma(generatorNetwork, averageNetwork, config.emaHalfLifeImages(), config.emaRampup());
            ema.reset();
            loss = new SidLoss(config, fake.sigmaData());
            List<String> prompts = teacher.info().prompts();
            if (prompts.isEmpty()) {
                throw new IllegalArgumentException(teacherDir + " has no prompt vocabulary to distil on");
            }
            promptCount = prompts.size();
            promptEmbeddings = TextEncoder.get().embedAll(prompts);
            if (config.adversarial()) {
                if (realData.channels() != networkConfig.imageChannels() || realData.size() != networkConfig.imageSize()) {
                    throw new IllegalArgumentException("the training images are " + realData.channels() + "x"
                            + realData.size() + "x" + realData.size() + " but the teacher makes "
                            + networkConfig.imageChannels() + "x" + networkConfig.imageSize() + "x" + networkConfig.imageSize());
                }
                adversarialLoss = new SidaLoss(config, loss);
                realPromptEmbeddings = TextEncoder.get().embedAll(realData.prompts());
            } else {
                adversarialLoss = null;
                realPromptEmbeddings = null;
            }
        }

        Result execute(boolean resume, DistillListener listener, IntervalProbe probe) throws IOException {
            long iteration = 0;
            double seconds = 0;
            if (resume && Files.exists(outDir.resolve(STATE))) {
                Map<String, String> meta = restore();
                iteration = Long.parseLong(meta.get("iteration"));
                lastCheckpoint = iteration;
                seconds = Double.parseDouble(meta.get("distill_seconds"));
                log.truncateAfter(iteration);
            } else if (!resume && Files.exists(outDir.resolve(ModelStore.WEIGHTS))) {
                throw new IllegalArgumentException(outDir + " already holds a model; pass --resume to continue it, or choose another --out");
            } else {
                log.truncateAfter(-1);
                if (initialStudent != null) {
                    startFromStudent();
                }
            }
            listener.started(iteration, config.iterations());
            Map<String, Double> lastProbe = Map.of();
            if (iteration == 0) {
                lastProbe = probeAndLog(probe, listener, 0, seconds, Double.NaN, Double.NaN, Map.of());
            }
            long runStart = System.nanoTime();
            long runStartIteration = iteration;
            Means means = new Means();
            double fakeMean = Double.NaN;
            double generatorMean = Double.NaN;
            while (iteration < config.iterations()) {
                skippedThisIteration = false;
                double[] values = iterate(iteration);
                iteration++;
                skippedIterationsInARow = skippedThisIteration ? skippedIterationsInARow + 1 : 0;
                if (skippedIterationsInARow >= MAX_SKIPPED_ITERATIONS_IN_A_ROW) {
                    throw new DivergedException("distillation diverged at iteration " + iteration + ": "
                            + skippedIterationsInARow + " iterations in a row had updates with non-finite losses or"
                            + " gradients; " + (lastCheckpoint > 0 ? "resume from the last checkpoint (iteration "
                            + lastCheckpoint + ") with smaller learning rates" : "start again with smaller learning rates"));
                }
                means.add(values);
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                listener.iterated(iteration, values[0], values[1], elapsed / (iteration - runStartIteration));
                boolean last = iteration == config.iterations();
                if (!last && listener.stopRequested()) {
                    // Saved without a probe (a probe can take a minute); the log goes on from the next one after --resume.
                    double total = seconds + (System.nanoTime() - runStart) / 1e9;
                    checkpoint(iteration, total, fakeMean, generatorMean);
                    return new Result(iteration, iteration - runStartIteration, fakeMean, generatorMean, total, skippedTotal,
                            lastProbe, true);
                }
                if (iteration % config.probeEvery() == 0 || last) {
                    fakeMean = means.mean(0);
                    generatorMean = means.mean(1);
                    Map<String, Double> adversarialMeans = new LinkedHashMap<>();
                    if (config.adversarial()) {
                        adversarialMeans.put("discriminator_bce", means.mean(2));
                        adversarialMeans.put("generator_bce", means.mean(3));
                        adversarialMeans.put("mismatched_bce", means.mean(4)); // left out of the log when NaN
                    }
                    lastProbe = probeAndLog(probe, listener, iteration, seconds + elapsed, fakeMean, generatorMean,
                            adversarialMeans);
                    means = new Means();
                }
                if (iteration % config.checkpointEvery() == 0 || last) {
                    double total = seconds + (System.nanoTime() - runStart) / 1e9;
                    checkpoint(iteration, total, fakeMean, generatorMean);
                }
            }
            double total = seconds + (System.nanoTime() - runStart) / 1e9;
            return new Result(iteration, iteration - runStartIteration, fakeMean, generatorMean, total, skippedTotal,
                    lastProbe, false);
        }

        /**
         * One SiD (or SiDA) iteration; returns the reported fake and generator losses and, for SiDA, the
         * discriminator's and the generator's binary cross entropies and the discriminator's on real images with
         * mismatched prompts (NaN otherwise or without the matching-aware term; ln 2 at chance).
         */
        private double[] iterate(long iteration) {
            Random random = new Random(config.seed() * 1_000_003L + iteration);
            Engine engine = manager.getEngine();
            engine.setRandomSeed((int) (config.seed() * 7919 + iteration));
            long batch = config.batch();
            long imagesSeen = iteration * batch;
            var shape = generatorNetwork.config();
            Shape imageShape = new Shape(batch, shape.imageChannels(), shape.imageSize(), shape.imageSize());
            double[] values = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};

            // (a) Fake score network: DSM on detached generator samples (the generator runs outside any collector,
            // so no graph is recorded for it); with SiDA also the discriminator loss against real images. With
            // fakeUpdates > 1, several such updates on fresh samples (a two time-scale rule); the means are reported.
            Means fakeMeans = new Means();
            for (int k = 0; k < config.fakeUpdates(); k++) {
                try (NDManager scope = manager.newSubManager()) {
                    double dropout = config.fakeUsesGuidance() ? config.promptDropout() : 0;
                    int[] images = config.adversarial() ? random.ints(config.batch(), 0, realData.count()).toArray() : null;
                    Conditioning conditioning = images != null ? realPrompts(scope, images, random, dropout)
                            : prompts(scope, random, dropout);
                    NDArray real = images != null ? realImages(scope, images) : null;
                    Conditioning mismatched = images != null && config.matchingAware()
                            ? mismatchedPrompts(scope, images, random) : null;
                    NDArray generated = generator.generate(scope.randomNormal(imageShape), conditioning);
                    NDArray sigma = loss.sampleFakeSigma(scope, batch);
                    NDArray noise = scope.randomNormal(imageShape);
                    SidLoss.Value value = update(fakeNetwork, fakeAdam, config.fakeLearningRate(), () -> real != null
                            ? adversarialLoss.fakeLoss(fake, generated, real, conditioning, mismatched, sigma, noise)
                            : loss.fakeLoss(fake, generated, conditioning, sigma, noise));
                    fakeMeans.add(new double[] {value.reported(), Double.NaN, value.crossEntropy(), Double.NaN,
                            value.mismatchedCrossEntropy()});
                }
            }
            values[0] = fakeMeans.mean(0);
            values[2] = fakeMeans.mean(2);
            values[4] = fakeMeans.mean(4);

            // (b) Generator: the SiD loss, gradients through x_g and through both frozen networks' inputs. During the
            // warm-up (SiDA, or a generator started from a student) the generator waits while the fake network learns.
            if (imagesSeen >= config.generatorWarmupImages()) {
                try (NDManager scope = manager.newSubManager()) {
                    Conditioning conditioning = prompts(scope, random, 0);
                    NDArray z = scope.randomNormal(imageShape);
                    NDArray sigma = loss.sampleGeneratorSigma(scope, batch);
                    NDArray noise = scope.randomNormal(imageShape);
                    SidLoss.Value value = update(generatorNetwork, generatorAdam, config.generatorLearningRate(), () -> {
                        NDArray generated = generator.generate(z, conditioning);
                        return config.adversarial()
                                ? adversarialLoss.generatorLoss(teacher.denoiser(), fake, generated, conditioning, sigma,
                                        noise, imagesSeen)
                                : loss.generatorLoss(teacher.denoiser(), fake, generated, conditioning, sigma, noise);
                    });
                    values[1] = value.reported();
                    values[3] = value.crossEntropy();
                }
            }
            ema.update(studentImages + imagesSeen, config.batch());
            return values;
        }

        /** The prompts of the chosen training images, each dropped with probability {@code dropout}. */
        private Conditioning realPrompts(NDManager scope, int[] images, Random random, double dropout) {
            int[] rows = new int[images.length];
            float[] dropped = new float[images.length];
            for (int b = 0; b < images.length; b++) {
                rows[b] = realData.promptIndex()[images[b]];
                dropped[b] = dropout > 0 && random.nextDouble() < dropout ? 1f : 0f;
            }
            return conditioning(scope, realPromptEmbeddings, rows, dropped);
        }

        /**
         * For each chosen training image a prompt of the training set other than its own, uniformly (the "wrong text"
         * of the matching-aware discriminator); never dropped.
         */
        private Conditioning mismatchedPrompts(NDManager scope, int[] images, Random random) {
            int prompts = realData.prompts().size();
            int[] rows = new int[images.length];
            for (int b = 0; b < images.length; b++) {
                int own = realData.promptIndex()[images[b]];
                rows[b] = (own + 1 + random.nextInt(prompts - 1)) % prompts;
            }
            return conditioning(scope, realPromptEmbeddings, rows, new float[images.length]);
        }

        private NDArray realImages(NDManager scope, int[] images) {
            float[] pixels = new float[images.length * realData.imageLength()];
            for (int b = 0; b < images.length; b++) {
                realData.copyImage(images[b], pixels, b * realData.imageLength());
            }
            return scope.create(pixels, new Shape(images.length, realData.channels(), realData.size(), realData.size()));
        }

        /**
         * SiD²A, or a data-free run continuing a student whose state is gone: the generator and its average start
         * from a distilled student (the fake network stays the teacher until the warm-up trains it); the average's
         * half-life ramps on from the images the student had seen.
         */
        private void startFromStudent() {
            Path weights = initialStudent.resolve(ModelStore.WEIGHTS);
            if (!Files.isRegularFile(weights)) {
                throw new IllegalArgumentException("no student model at " + weights);
            }
            SafeTensors.Contents contents = SafeTensors.read(weights);
            ModelInfo student = ModelInfo.fromMetadata(contents.metadata(), weights.toString());
            if (!student.isOneStep() || !student.config().equals(generatorNetwork.config())
                    || student.sigmaInit() != config.sigmaInit()) {
                throw new IllegalArgumentException(initialStudent + " is not a one-step student of this network with"
                        + " sigma_init " + config.sigmaInit() + " (kind " + student.kind() + ")");
            }
            Weights.load(generatorNetwork, contents.tensors(), weights.toString());
            ema.reset();
            initializedFrom = initialStudent.getFileName() + " at step " + student.step();
            String studentSid = student.extra().get("sid");
            int studentBatch = studentSid == null ? config.batch() : SidConfig.fromJson(studentSid, weights.toString()).batch();
            studentImages = student.step() * studentBatch;
        }

        /**
         * Differentiates one loss with respect to {@code network} only and takes an Adam step. A non-finite loss or
         * gradient skips the step (SiD's code drops NaN samples and zeroes NaN gradients; we skip the whole update).
         * Returns the loss, whose values are reported whether or not the step was taken.
         */
        private SidLoss.Value update(UNet network, Adam adam, double learningRate, Supplier<SidLoss.Value> lossFunction) {
            network.freezeParameters(false);
            try {
                SidLoss.Value value;
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    value = lossFunction.get();
                    if (Double.isFinite(value.reported())) {
                        collector.backward(value.objective());
                    }
                }
                boolean stepped;
                if (Double.isFinite(value.reported())) {
                    stepped = Double.isFinite(adam.step(learningRate)); // a non-finite gradient is dropped by Adam
                } else {
                    adam.zeroGradients();
                    stepped = false;
                }
                if (!stepped) {
                    skippedTotal++;
                    skippedThisIteration = true;
                }
                return value;
            } finally {
                network.freezeParameters(true);
            }
        }

        /** B prompts drawn uniformly from the teacher's vocabulary; each dropped with probability {@code dropout}. */
        private Conditioning prompts(NDManager scope, Random random, double dropout) {
            int batch = config.batch();
            int[] rows = new int[batch];
            float[] dropped = new float[batch];
            for (int b = 0; b < batch; b++) {
                rows[b] = random.nextInt(promptCount);
                dropped[b] = dropout > 0 && random.nextDouble() < dropout ? 1f : 0f;
            }
            return conditioning(scope, promptEmbeddings, rows, dropped);
        }

        /** The rows {@code rows} of {@code embeddings} (one TextEncoder.DIM vector per prompt) with their drop flags. */
        private static Conditioning conditioning(NDManager scope, float[] embeddings, int[] rows, float[] dropped) {
            float[] text = new float[rows.length * TextEncoder.DIM];
            for (int b = 0; b < rows.length; b++) {
                System.arraycopy(embeddings, rows[b] * TextEncoder.DIM, text, b * TextEncoder.DIM, TextEncoder.DIM);
            }
            return new Conditioning(scope.create(text, new Shape(rows.length, TextEncoder.DIM)),
                    scope.create(dropped, new Shape(rows.length)));
        }

        private Map<String, Double> probeAndLog(IntervalProbe probe, DistillListener listener, long iteration,
                double seconds, double fakeMean, double generatorMean, Map<String, Double> adversarialMeans)
                throws IOException {
            Map<String, Double> values;
            try (NDManager scope = manager.newSubManager()) {
                values = probe.measure(new StudentSnapshot(new OneStepGenerator(averageNetwork, config.sigmaInit()),
                        scope, teacher.info().prompts()), iteration);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("iteration", iteration);
            line.put("seconds", Math.round(seconds * 10) / 10.0);
            line.put("generator_lr", config.generatorLearningRate()); // of the interval ending here (--resume may change it)
            line.put("fake_lr", config.fakeLearningRate());
            if (Double.isFinite(fakeMean)) {
                line.put("fake_loss", fakeMean);
            }
            if (Double.isFinite(generatorMean)) {
                line.put("generator_loss", generatorMean);
            }
            adversarialMeans.forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    line.put(k, v);
                }
            });
            values.forEach((k, v) -> line.put(k, Double.isFinite(v) ? v : null));
            if (skippedTotal > 0) {
                line.put("skipped_updates", skippedTotal);
            }
            log.append(line);
            DistillLog.plot(log.file(), outDir.resolve(DistillLog.PLOT));
            listener.probed(iteration, values);
            return values;
        }

        private ModelInfo info(long iteration, double seconds, double fakeLoss, double generatorLoss) {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("method", config.adversarial()
                    ? "SiDA (Zhou et al. 2024), SiD-LSG with an adversarial term on " + realData.name() + " training images, one step"
                    : "SiD-LSG (Zhou et al. 2024), data-free, one step");
            if (initializedFrom != null) {
                extra.put("initialized_from", initializedFrom);
                extra.put(STUDENT_IMAGES, Long.toString(studentImages));
            }
            extra.put("sid", config.toJson());
            if (earlierLearningRates != null) {
                extra.put(EARLIER_LEARNING_RATES, earlierLearningRates);
            }
            if (matchingAwareSwitches != null) {
                extra.put(MATCHING_AWARE_SWITCHES, matchingAwareSwitches);
            }
            extra.put("teacher", teacherDir.getFileName().toString());
            extra.put("teacher_step", Long.toString(teacher.info().step()));
            extra.put("teacher_sha256", teacherDigest);
            extra.put("distill_seconds", String.format("%.1f", seconds));
            if (Double.isFinite(fakeLoss)) {
                extra.put("fake_loss", String.format("%.5f", fakeLoss));
            }
            if (Double.isFinite(generatorLoss)) {
                extra.put("generator_loss", String.format("%.6f", generatorLoss));
            }
            ModelInfo t = teacher.info();
            return new ModelInfo(ModelInfo.SID, t.dataset(), t.config(), iteration, t.prompts(), config.sigmaInit(), extra);
        }

        private void checkpoint(long iteration, double seconds, double fakeLoss, double generatorLoss) throws IOException {
            Map<String, Tensor> state = new LinkedHashMap<>();
            Weights.of(generatorNetwork).forEach((k, v) -> state.put("generator." + k, v));
            Weights.of(fakeNetwork).forEach((k, v) -> state.put("fake." + k, v));
            generatorAdam.state().forEach((k, v) -> state.put("generator_" + k, v));
            fakeAdam.state().forEach((k, v) -> state.put("fake_" + k, v));
            ModelInfo info = info(iteration, seconds, fakeLoss, generatorLoss);
            Map<String, String> meta = new HashMap<>(info.toMetadata());
            meta.put("iteration", Long.toString(iteration));
            meta.put("distill_seconds", Double.toString(seconds));
            meta.put("generator_adam_updates", Long.toString(generatorAdam.updates()));
            meta.put("fake_adam_updates", Long.toString(fakeAdam.updates()));
            // State first: if we die between the writes, resume starts from the newer state and the shipped
            // weights are at most one checkpoint old.
            SafeTensors.write(outDir.resolve(STATE), state, meta);
            lastCheckpoint = iteration;
            DiffusionModel.save(outDir, averageNetwork, info);
        }

        private Map<String, String> restore() {
            Path statePath = outDir.resolve(STATE);
            SafeTensors.Contents state = SafeTensors.read(statePath);
            Map<String, String> meta = state.metadata();
            ModelInfo saved = ModelInfo.fromMetadata(meta, statePath.toString());
            if (!ModelInfo.SID.equals(saved.kind()) || !meta.containsKey("iteration")) {
                throw new CheckpointException(statePath + " is not a SiD distillation state");
            }
            SidConfig savedConfig = SidConfig.fromJson(saved.extra().get("sid"), statePath.toString());
            initializedFrom = saved.extra().get("initialized_from");
            studentImages = Long.parseLong(saved.extra().getOrDefault(STUDENT_IMAGES, "0"));
            earlierLearningRates = saved.extra().get(EARLIER_LEARNING_RATES);
            matchingAwareSwitches = saved.extra().get(MATCHING_AWARE_SWITCHES);
            if (!config.continues(savedConfig)) {
                throw new CheckpointException(statePath + " was distilled with other settings: "
                        + config.differencesFrom(savedConfig) + " (only iterations, intervals, learning rates and the"
                        + " matching-aware discriminator may change on --resume)");
            }
            if (!teacherDigest.equals(saved.extra().get("teacher_sha256"))) {
                throw new CheckpointException(statePath + " was distilled from a different teacher (its weights changed"
                        + " since: sha256 " + saved.extra().get("teacher_sha256") + ", now " + teacherDigest + ")");
            }
            if (config.generatorLearningRate() != savedConfig.generatorLearningRate()
                    || config.fakeLearningRate() != savedConfig.fakeLearningRate()) {
                String segment = rateSegmentStart(earlierLearningRates) + "-" + meta.get("iteration") + ": generator "
                        + savedConfig.generatorLearningRate() + ", fake " + savedConfig.fakeLearningRate();
                earlierLearningRates = earlierLearningRates == null ? segment : earlierLearningRates + "; " + segment;
            }
            if (config.matchingAware() != savedConfig.matchingAware()) {
                String change = (config.matchingAware() ? "on" : "off") + " at " + meta.get("iteration");
                matchingAwareSwitches = matchingAwareSwitches == null ? change : matchingAwareSwitches + "; " + change;
            }
            Weights.load(generatorNetwork, withPrefix(state.tensors(), "generator."), statePath.toString());
            Weights.load(fakeNetwork, withPrefix(state.tensors(), "fake."), statePath.toString());
            generatorAdam.restore(withPrefix(state.tensors(), "generator_"), Long.parseLong(meta.get("generator_adam_updates")));
            fakeAdam.restore(withPrefix(state.tensors(), "fake_"), Long.parseLong(meta.get("fake_adam_updates")));
            Path weights = outDir.resolve(ModelStore.WEIGHTS);
            Weights.load(averageNetwork, SafeTensors.read(weights).tensors(), weights.toString());
            return meta;
        }
    }

    /** The iteration the current learning rates started at: where the last earlier segment ended, else 0. */
    static String rateSegmentStart(String earlierLearningRates) {
        if (earlierLearningRates == null) {
            return "0";
        }
        String last = earlierLearningRates.substring(earlierLearningRates.lastIndexOf("; ") + 1).strip();
        Matcher segment = RATE_SEGMENT.matcher(last);
        if (!segment.matches()) {
            throw new CheckpointException("the state's " + EARLIER_LEARNING_RATES + " entry \"" + earlierLearningRates
                    + "\" does not end in a segment FROM-TO: generator G, fake F");
        }
        return segment.group(1);
    }

    /** Running means of the reported losses over one probe interval; NaN (not computed or skipped) is left out. */
    private static final class Means {
        private final double[] sums = new double[5];
        private final int[] counts = new int[5];

        void add(double[] values) {
            for (int i = 0; i < sums.length; i++) {
                if (Double.isFinite(values[i])) {
                    sums[i] += values[i];
                    counts[i]++;
                }
            }
        }

        double mean(int i) {
            return counts[i] > 0 ? sums[i] / counts[i] : Double.NaN;
        }
    }

    /** The entries whose name starts with {@code prefix}, with the prefix removed. */
    private static Map<String, Tensor> withPrefix(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> out = new HashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** SHA-256 of a file, hex: identifies the exact teacher weights a student was distilled from. */
    static String sha256(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no teacher model at " + file);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // digest while reading
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
