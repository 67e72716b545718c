package dev.fewstep.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fewstep.data.Emoji;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Batches;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Objective;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fine-tuning of a trained EDM teacher on new images with the teacher's own objective ({@link EdmLoss}, Karras et al.
 * 2022, Eq. 2 with the loss weighting λ(σ) of Table 1): each iteration one Adam step over a batch, the shipped weights
 * an exponential moving average. What is trained is the subclass's: low-rank adapters on the frozen base
 * ({@link LoraFinetuning}) or every weight ({@link FullFinetuning}). Slots: {@code trained} and {@code adam}.
 */
public abstract class Finetuning implements TrainingMethod, AutoCloseable {
    public static final String LOG = "finetune-log.jsonl";
    /** As the teacher's training: a global gradient-norm clip, and the skipped updates that mean divergence. */
    static final double MAX_GRADIENT_NORM = 1.0;
    static final int MAX_SKIPPED_IN_A_ROW = 20;
    static final Budget PROBE_BUDGET = new Budget("dpmpp2m", 8, 2.0);

    protected final FinetuneConfig config;
    protected final ImageDataset data;
    protected final DiffusionModel base;
    protected final String baseSha256;
    protected final NDManager manager;
    private final EdmLoss loss = EdmLoss.paperDefaults();
    private final Batches batches;
    private Adam adam;
    private Ema ema;

    protected Finetuning(FinetuneConfig config, ImageDataset data, DiffusionModel base) {
        if (!base.info().kind().equals(ModelInfo.TEACHER)) {
            throw new IllegalArgumentException("finetune adapts a teacher (an EDM denoiser); " + base.name() + " is a '"
                    + base.info().kind() + "' model");
        }
        if (base.info().config().imageChannels() != data.channels() || base.info().config().imageSize() != data.size()) {
            throw new IllegalArgumentException(base.name() + " makes " + base.info().config().imageChannels() + "-channel "
                    + base.info().config().imageSize() + "px images; " + data.name() + " has " + data.channels()
                    + "-channel " + data.size() + "px images");
        }
        this.config = config;
        this.data = data;
        this.base = base;
        try {
            this.baseSha256 = ModelStore.sha256(base.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.batches = new Batches(List.of(), data);
        this.manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) config.seed()); // the adapters' initial A comes from the seed
    }

    /** Builds the optimiser and the average once the subclass has made its trained block and its average. */
    protected final void optimise(Block trained, Block average) {
        adam = new Adam(trained, manager, 0.9, 0.999, 1e-8);
        ema = new Ema(trained, average, Ema.decay(config.emaDecay()));
    }

    /** The block whose parameters get gradients. */
    protected abstract Block trained();

    /** The denoiser being trained (the base with its adapters, or the base itself). */
    protected abstract EdmDenoiser denoiser();

    /** The denoiser probes sample. */
    protected abstract EdmDenoiser probed();

    @Override
    public RunSettings run() {
        return new RunSettings(config.steps(), config.checkpointEvery(), config.checkpointEvery(), config.seed(), LOG, null,
                MAX_SKIPPED_IN_A_ROW);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("trained", trained()), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        String savedSha = saved.extra().get("base_sha256");
        if (!baseSha256.equals(savedSha)) {
            throw new CheckpointException("the state was trained from other weights of the base (sha256 " + savedSha
                    + "); " + base.name() + " now has " + baseSha256);
        }
        CheckpointException.requireSameSettings(
                config.differencesFrom(FinetuneConfig.fromJson(saved.extra().get("finetune"), "the state")));
    }

    @Override
    public void start(Path dir) throws IOException {
        Emoji.attributeIfEmoji(data.name(), dir);
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        try (NDManager scope = manager.newSubManager()) {
            Batches.Labelled batch = batches.labelled(scope, iteration.random(), config.batch(), config.promptDropout());
            Objective value = iteration.update(adam, config.learningRate(iteration.index()), MAX_GRADIENT_NORM,
                    () -> Objective.of(loss.loss(denoiser(), batch.images(), batch.conditioning())));
            ema.update(iteration.index());
            return Map.of("loss", iteration.reported(value));
        }
    }

    @Override
    public Map<String, Object> logged() {
        return Map.of("lr", config.learningRate());
    }

    /** The metadata both kinds of result carry: the settings, the base and its hash, time and loss. */
    protected Map<String, String> extra(double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("finetune", Json.write(config));
        extra.put("base", base.name());
        extra.put("base_sha256", baseSha256);
        extra.put("train_seconds", String.format("%.1f", seconds));
        extra.put("train_loss", String.format("%.5f", means.getOrDefault("loss", Double.NaN)));
        return extra;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Snapshot snapshot(NDManager scope) {
        return new Snapshot(new TeacherGenerator(probed()), PROBE_BUDGET, scope, data.prompts(),
                data.channels(), data.size());
    }

    @Override
    public void close() {
        manager.close();
        base.close();
    }
}
