package dev.fewstep.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Objective;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import dev.fewstep.data.Emoji;
import dev.fewstep.threed.Camera;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains an EDM teacher (Karras et al. 2022) on a dataset with prompts: each iteration one Adam step on
 * {@link EdmLoss} over a batch of training images, prompts dropped for classifier-free guidance; the shipped weights
 * are an exponential moving average. Slots: {@code raw} (the weights) and {@code adam}.
 */
public final class TeacherTraining implements TrainingMethod, AutoCloseable {
    public static final String LOG = "train-log.jsonl";
    /** Global gradient-norm clip; rarely active once training settles, it stops early divergence. */
    static final double MAX_GRADIENT_NORM = 1.0;
    /** Iterations in a row with a skipped update after which the run stops as diverged. */
    static final int MAX_SKIPPED_IN_A_ROW = 20;
    /** The guidance and budget a probe samples the teacher with: DPM-Solver++ at 8 NFE, the teacher's best. */
    static final Budget PROBE_BUDGET = new Budget("dpmpp2m", 8, 2.0);

    private final TrainConfig config;
    private final ImageDataset data;
    private final NDManager manager;
    private final UNet network;
    private final UNet average;
    private final Adam adam;
    private final Ema ema;
    private final EdmDenoiser denoiser;
    private final EdmLoss loss = EdmLoss.paperDefaults();
    private final Batches batches;
    /** Every image's camera ({@code Camera.embedding()}, 4 values each) for a view-conditioned teacher, or null. */
    private final float[] cameras;

    public TeacherTraining(TrainConfig config, ImageDataset data) {
        this(config, data, null);
    }

    /**
     * A teacher that also sees each image's camera (the shapes data): a view-conditioned U-Net (cameraDim 4).
     *
     * @param cameras 4 values per image of {@code data}, or null for a teacher without a camera
     */
    public TeacherTraining(TrainConfig config, ImageDataset data, float[] cameras) {
        if (cameras != null && cameras.length != data.count() * Camera.EMBEDDING_SIZE) {
            throw new IllegalArgumentException(cameras.length / Camera.EMBEDDING_SIZE + " cameras for " + data.count()
                    + " images");
        }
        this.cameras = cameras;
        this.config = config;
        this.data = data;
        this.batches = new Batches(List.of(), data);
        this.manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) config.seed()); // the initial weights come from the seed too
        network = UNet.create(networkConfig(), manager);
        average = UNet.create(networkConfig(), manager);
        adam = new Adam(network, manager, 0.9, 0.999, 1e-8);
        ema = new Ema(network, average, Ema.decay(config.emaDecay()));
        denoiser = new EdmDenoiser(network);
    }

    public UNetConfig networkConfig() {
        UNetConfig small = UNetConfig.small(data.channels());
        // An 8x8 latent (f = 8 at 64x64) has room for two levels only, 4x4 at the lowest.
        boolean eightByEight = data.size() == 8;
        return new UNetConfig(small.imageChannels(), data.size(), config.baseChannels(),
                eightByEight ? new int[] {1, 2} : small.channelMultipliers(), small.resBlocksPerLevel(),
                eightByEight ? new int[] {8, 4} : small.attentionResolutions(), small.heads(), small.textDim(),
                small.contextTokens(), small.contextDim(), cameras == null ? 0 : Camera.EMBEDDING_SIZE);
    }

    @Override
    public String kind() {
        return ModelInfo.TEACHER;
    }

    @Override
    public RunSettings run() {
        return new RunSettings(config.steps(), config.checkpointEvery(), config.checkpointEvery(), config.seed(), LOG, null,
                MAX_SKIPPED_IN_A_ROW);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("raw", network), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        if (!saved.config().equals(networkConfig()) || !saved.dataset().equals(data.name())) {
            throw new CheckpointException("the state was trained with " + saved.config() + " on " + saved.dataset()
                    + "; this run asks for " + networkConfig() + " on " + data.name());
        }
        CheckpointException.requireSameSettings(
                config.differencesFrom(TrainConfig.fromJson(saved.extra().get("training"), "the state")));
    }

    /** Emoji images carry their licences' attribution; a model trained on them carries it too. */
    @Override
    public void start(Path dir) throws IOException {
        Emoji.attributeIfEmoji(data.name(), dir);
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        try (NDManager scope = manager.newSubManager()) {
            Batches.Labelled batch = cameras == null
                    ? batches.labelled(scope, iteration.random(), config.batch(), config.promptDropout())
                    : withCameras(scope, iteration.random());
            Objective value = iteration.update(adam, config.learningRate(iteration.index()), MAX_GRADIENT_NORM,
                    () -> Objective.of(loss.loss(denoiser, batch.images(), batch.conditioning())));
            ema.update(iteration.index());
            return Map.of("loss", iteration.reported(value));
        }
    }

    /**
     * Training images with their prompts (each dropped with the prompt dropout) and their cameras, which are never
     * dropped: guidance is over the text, the view is always known.
     */
    private Batches.Labelled withCameras(NDManager scope, java.util.Random random) {
        int[] indices = batches.imageIndices(random, config.batch());
        float[] views = new float[indices.length * Camera.EMBEDDING_SIZE];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(cameras, indices[b] * Camera.EMBEDDING_SIZE, views, b * Camera.EMBEDDING_SIZE,
                    Camera.EMBEDDING_SIZE);
        }
        return new Batches.Labelled(batches.images(scope, indices),
                batches.ownPrompts(scope, indices, random, config.promptDropout())
                        .withCamera(scope.create(views, new ai.djl.ndarray.types.Shape(indices.length, Camera.EMBEDDING_SIZE))));
    }

    @Override
    public UNet shipped() {
        return average;
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("training", Json.write(config));
        extra.put("train_seconds", String.format("%.1f", seconds));
        extra.put("train_loss", String.format("%.5f", means.getOrDefault("loss", Double.NaN)));
        return new ModelInfo(ModelInfo.TEACHER, data.name(), networkConfig(), iteration, data.prompts(), List.of(), extra);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Snapshot snapshot(NDManager scope) {
        return new Snapshot(new TeacherGenerator(new EdmDenoiser(average)), PROBE_BUDGET, scope, data.prompts(),
                data.channels(), data.size());
    }

    @Override
    public void close() {
        manager.close();
    }
}
