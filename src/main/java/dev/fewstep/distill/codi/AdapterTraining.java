package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.ControlledDenoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.ControlAdapter;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Batches;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Objective;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a ControlNet adapter (Zhang et al. 2023) on a frozen teacher with the teacher's own objective, the EDM loss
 * (Karras et al. 2022, Eq. 2) of the controlled denoiser D(x; sigma, prompt, c), the condition c made on the fly from
 * each training image ({@link Condition}). Prompts are dropped for guidance; the condition never is. The result is a
 * conditional teacher (kind "controlled"): the teacher's network and the adapter's weight average in one file.
 * Slots: {@code raw} (the adapter) and {@code adam}.
 */
public final class AdapterTraining implements TrainingMethod, AutoCloseable {
    public static final String LOG = "train-log.jsonl";
    static final double MAX_GRADIENT_NORM = 1.0;
    static final Budget PROBE_BUDGET = new Budget("dpmpp2m", 8, 2.0);

    private final AdapterConfig config;
    private final DiffusionModel teacher;
    private final String teacherDigest;
    private final Condition condition;
    private final NDManager manager = NDManager.newBaseManager();
    private final ControlAdapter adapter;
    private final ControlAdapter average;
    private final Adam adam;
    private final Ema ema;
    private final ControlledDenoiser denoiser;
    private final EdmLoss loss = EdmLoss.paperDefaults();
    private final Batches batches;
    private final ImageDataset data;

    /** @param teacherDigest the SHA-256 of the teacher's weights, so a resume can tell if they changed */
    public AdapterTraining(AdapterConfig config, DiffusionModel teacher, String teacherDigest, ImageDataset data) {
        this.config = config.validated();
        this.teacher = teacher;
        this.teacherDigest = teacherDigest;
        this.data = data;
        if (!teacher.info().kind().equals(ModelInfo.TEACHER)) {
            throw new IllegalArgumentException(teacher.name() + " is a '" + teacher.info().kind()
                    + "' model; an adapter is trained on a plain teacher");
        }
        var shape = teacher.info().config();
        if (data.channels() != shape.imageChannels() || data.size() != shape.imageSize()) {
            throw new IllegalArgumentException("the training images are " + data.channels() + "x" + data.size() + "x"
                    + data.size() + " but the teacher makes " + shape.imageChannels() + "x" + shape.imageSize());
        }
        condition = Condition.of(config.task(), shape.imageChannels());
        UNet frozen = teacher.network();
        frozen.freezeParameters(true);
        adapter = ControlAdapter.of(frozen, condition.channels(), manager);
        average = ControlAdapter.of(frozen, condition.channels(), manager);
        average.freezeParameters(true);
        adam = new Adam(adapter, manager, 0.9, 0.999, 1e-8);
        ema = new Ema(adapter, average, Ema.decay(config.emaDecay()));
        denoiser = new ControlledDenoiser(new EdmDenoiser(frozen), adapter);
        batches = new Batches(List.of(), data);
    }

    public long trainedParameters() {
        return adapter.parameterCount();
    }

    @Override
    public String kind() {
        return ControlledKinds.CONTROLLED;
    }

    @Override
    public RunSettings run() {
        return new RunSettings(config.steps(), config.checkpointEvery(), config.checkpointEvery(), config.seed(), LOG,
                null, 20);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("raw", adapter), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        CheckpointException.requireSameSettings(
                config.differencesFrom(AdapterConfig.fromJson(saved.extra().get("adapter"), "the state")));
        if (!teacherDigest.equals(saved.extra().get("teacher_sha256"))) {
            throw new CheckpointException("the state was trained on a different teacher (its weights changed since)");
        }
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        try (NDManager scope = manager.newSubManager()) {
            Batches.Labelled batch = batches.labelled(scope, iteration.random(), config.batch(), config.promptDropout());
            NDArray c = condition.make(batch.images(), iteration.random(), scope);
            Objective value = iteration.update(adam, config.learningRate(iteration.index()), MAX_GRADIENT_NORM,
                    () -> Objective.of(loss.loss(denoiser, batch.images(), batch.conditioning().withControl(c))));
            ema.update(iteration.index());
            return Map.of("loss", iteration.reported(value));
        }
    }

    /** The frozen teacher's network; the adapter's average ships beside it. */
    @Override
    public UNet shipped() {
        return teacher.network();
    }

    @Override
    public List<Block> shippedBeside() {
        return List.of(average);
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("method", "ControlNet adapter (Zhang et al. 2023) on a frozen teacher, EDM loss");
        extra.put("task", config.task());
        extra.put("adapter", config.toJson());
        extra.put("adapter_parameters", Long.toString(adapter.parameterCount()));
        extra.put("teacher", teacher.name());
        extra.put("teacher_sha256", teacherDigest);
        extra.put("train_seconds", String.format("%.1f", seconds));
        extra.put("train_loss", String.format("%.5f", means.getOrDefault("loss", Double.NaN)));
        ModelInfo t = teacher.info();
        return new ModelInfo(ControlledKinds.CONTROLLED, t.dataset(), t.config(), iteration, t.prompts(), List.of(), extra);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** The conditional teacher; runs have no probes (the yardstick's probes sample without conditions). */
    @Override
    public Snapshot snapshot(NDManager scope) {
        var shape = teacher.info().config();
        return new Snapshot(new TeacherGenerator(new ControlledDenoiser(new EdmDenoiser(teacher.network()), average)),
                PROBE_BUDGET, scope, teacher.info().prompts(), shape.imageChannels(), shape.imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
