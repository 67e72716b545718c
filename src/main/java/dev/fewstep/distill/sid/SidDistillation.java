package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Batches;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Means;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Score identity Distillation of a teacher into a one-step generator (see {@link SidLoss}); with
 * {@link SidConfig#sida()} SiDA ({@link SidaLoss}). Each iteration follows SiD's {@code sid_training_loop.py}: (a) the
 * fake score network f_psi takes {@code fakeUpdates} Adam steps of denoising score matching on fresh, detached
 * generator samples (with SiDA also as the discriminator against training images), then (b) the generator G_theta
 * takes one Adam step on the SiD loss over another fresh batch, teacher and f_psi frozen; then the generator's weight
 * average moves. G and f_psi start as copies of the teacher (or G from a student: SiD²A); the teacher never changes.
 * A latent teacher is distilled in its latent space, unchanged; the student ships in its form ({@link StudentForm}).
 */
public final class SidDistillation implements TrainingMethod, AutoCloseable {
    public static final String LOG = "distill-log.jsonl";
    public static final String PLOT = "fid-vs-iterations.png";
    /** Iterations in a row with a skipped update after which the run stops; the last checkpoint stays usable. */
    static final int MAX_SKIPPED_ITERATIONS_IN_A_ROW = 5;

    private final SidConfig config;
    private final DiffusionModel teacher;
    private final SidSetup setup;
    private final NDManager manager = NDManager.newBaseManager();
    private final SidNetworks networks;
    private final SidLoss loss;
    private final SidaLoss adversarialLoss;
    private final Batches batches;
    private final StudentForm form;
    private SidRecord record = new SidRecord();

    /** @param setup the teacher's provenance, the training images (SiDA) and the student to start from, if any */
    public SidDistillation(SidConfig config, DiffusionModel teacher, SidSetup setup) {
        this.config = config.validated();
        this.teacher = teacher;
        this.form = StudentForm.of(teacher);
        if (config.adversarial() && !form.kind().equals(ModelInfo.SID)) {
            throw new IllegalArgumentException("the adversarial term (SiDA) is not built for a " + form.kind()
                    + " student: its discriminator would need the training images encoded to latents");
        }
        this.setup = setup.checkedFor(config, teacher);
        networks = new SidNetworks(config, teacher, manager);
        loss = new SidLoss(config, networks.fake.sigmaData());
        adversarialLoss = config.adversarial() ? new SidaLoss(config, loss) : null;
        batches = new Batches(teacher.info().prompts(), setup.realData());
    }

    @Override
    public String kind() {
        return form.kind();
    }

    @Override
    public RunSettings run() {
        SidConfig.Run run = config.run();
        return new RunSettings(run.iterations(), run.checkpointEvery(), run.probeEvery(), run.seed(), LOG, PLOT,
                MAX_SKIPPED_ITERATIONS_IN_A_ROW);
    }

    @Override
    public List<Slot> slots() {
        return networks.slots();
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        SidConfig savedConfig = SidConfig.fromJson(saved.extra().get("sid"), "the training state");
        String differences = config.differencesFrom(savedConfig);
        if (!differences.isEmpty()) {
            throw new CheckpointException("the state was distilled with other settings: " + differences + " (only"
                    + " iterations, intervals, learning rates and the matching-aware discriminator may change on --resume)");
        }
        if (!setup.teacherDigest().equals(saved.extra().get("teacher_sha256"))) {
            throw new CheckpointException("the state was distilled from a different teacher (its weights changed since:"
                    + " sha256 " + saved.extra().get("teacher_sha256") + ", now " + setup.teacherDigest() + ")");
        }
        record = SidRecord.of(saved.extra(), "the training state");
        record.resumed(Long.parseLong(metadata.get("iteration")), savedConfig, config);
    }

    @Override
    public void start(Path dir) {
        if (setup.initialStudent() != null) {
            record = setup.startFromStudent(networks.generatorNetwork, config, form.kind());
            networks.ema.reset();
        }
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        Random random = iteration.random();
        int batch = config.run().batch();
        long imagesSeen = iteration.index() * batch;
        var shape = networks.generatorNetwork.config();
        Shape imageShape = new Shape(batch, shape.imageChannels(), shape.imageSize(), shape.imageSize());
        Map<String, Double> metrics = new LinkedHashMap<>();

        // (a) The fake score network on detached generator samples (the generator runs outside any collector, so no
        // graph is recorded for it); with SiDA also the discriminator. Several updates on fresh samples each
        // (a two time-scale rule) report their means.
        Means fakeMeans = new Means();
        double dropout = config.guidance().fakeUsesGuidance() ? config.guidance().promptDropout() : 0;
        for (int k = 0; k < config.optimiser().fakeUpdates(); k++) {
            try (NDManager scope = manager.newSubManager()) {
                int[] images = config.adversarial() ? batches.imageIndices(random, batch) : null;
                Conditioning conditioning = images != null ? batches.ownPrompts(scope, images, random, dropout)
                        : batches.vocabulary(scope, random, batch, dropout);
                NDArray real = images != null ? batches.images(scope, images) : null;
                Conditioning mismatched = images != null && config.matchingAware()
                        ? batches.mismatchedPrompts(scope, images, random) : null;
                NDArray generated = networks.generator.sample(scope.randomNormal(imageShape), conditioning);
                NDArray sigma = loss.sampleFakeSigma(scope, batch);
                NDArray noise = scope.randomNormal(imageShape);
                SidLoss.Value value = iteration.update(networks.fakeNetwork, networks.fakeAdam, config.optimiser().fakeLearningRate(),
                        () -> real != null
                                ? adversarialLoss.fakeLoss(networks.fake, generated, real, conditioning, mismatched, sigma, noise)
                                : loss.fakeLoss(networks.fake, generated, conditioning, sigma, noise));
                fakeMeans.add(Map.of("fake_loss", value.reported(), "discriminator_bce", value.crossEntropy(),
                        "mismatched_bce", value.mismatchedCrossEntropy()));
            }
        }
        Map<String, Double> fakeMetrics = fakeMeans.means();
        metrics.put("fake_loss", fakeMetrics.get("fake_loss"));
        metrics.put("generator_loss", Double.NaN);
        double generatorEntropy = Double.NaN;

        // (b) The generator: gradients through x_g and through both frozen networks' inputs. During a warm-up (SiDA,
        // or a generator started from a student) it waits while the fake network learns.
        if (imagesSeen >= config.run().generatorWarmupImages()) {
            try (NDManager scope = manager.newSubManager()) {
                Conditioning conditioning = batches.vocabulary(scope, random, batch, 0);
                NDArray z = scope.randomNormal(imageShape);
                NDArray sigma = loss.sampleGeneratorSigma(scope, batch);
                NDArray noise = scope.randomNormal(imageShape);
                SidLoss.Value value = iteration.update(networks.generatorNetwork, networks.generatorAdam,
                        config.optimiser().generatorLearningRate(), () -> {
                            NDArray generated = networks.generator.sample(z, conditioning);
                            return config.adversarial()
                                    ? adversarialLoss.generatorLoss(teacher.denoiser(), networks.fake, generated, conditioning,
                                            sigma, noise, imagesSeen)
                                    : loss.generatorLoss(teacher.denoiser(), networks.fake, generated, conditioning, sigma, noise);
                        });
                metrics.put("generator_loss", value.reported());
                generatorEntropy = value.crossEntropy();
            }
        }
        if (config.adversarial()) {
            metrics.put("discriminator_bce", fakeMetrics.get("discriminator_bce"));
            metrics.put("generator_bce", generatorEntropy);
            metrics.put("mismatched_bce", fakeMetrics.get("mismatched_bce"));
        }
        networks.ema.update(record.studentImages + imagesSeen);
        return metrics;
    }

    @Override
    public Map<String, Object> logged() {
        return new TreeMap<>(Map.of("generator_lr", config.optimiser().generatorLearningRate(), // of the interval ending here
                "fake_lr", config.optimiser().fakeLearningRate()));
    }

    @Override
    public UNet shipped() {
        return networks.averageNetwork;
    }

    @Override
    public List<ai.djl.nn.Block> shippedBeside() {
        return form.beside();
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        return form.info(setup.info(config, record, teacher.info(), iteration, seconds, means));
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Snapshot snapshot(NDManager scope) {
        var shape = networks.averageNetwork.config();
        return new Snapshot(form.images(networks.averaged()), null, scope, teacher.info().prompts(), form.imageChannels(),
                form.imageSize(), shape.imageChannels(), shape.imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
