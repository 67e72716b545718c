package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.ControlledDenoiser;
import dev.fewstep.distill.consistency.ConsistencyConfig;
import dev.fewstep.distill.consistency.ConsistencyGenerator;
import dev.fewstep.generate.Budget;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Batches;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.SettingsDiff;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CoDi (Mei et al. 2024): a conditional teacher (a frozen backbone with a ControlNet adapter, kind "controlled") into a
 * conditional consistency model that generates in 1 to 4 steps. Each iteration: training images x_0, their conditions
 * c, a level pair t &gt; s, the guided teacher's ODE step, one Adam step on {@link CodiLoss}, then the target
 * theta^- and the shipped average. The student starts from the teacher's backbone and adapter; the full student trains
 * both, the parameter-efficient one (PE-CoDi) only the adapter. Slots: {@code student}, {@code target}, {@code adam}.
 */
public final class CodiDistillation implements TrainingMethod, AutoCloseable {
    public static final String LOG = "distill-log.jsonl";
    static final Budget PROBE_BUDGET = new Budget(null, 2, 1.0);

    private final CodiConfig config;
    private final DiffusionModel teacher;
    private final ControlledDenoiser teacherDenoiser;
    private final String teacherDigest;
    private final Condition condition;
    private final NDManager manager = NDManager.newBaseManager();
    private final CodiStudent student;
    private final CodiStudent target;
    private final CodiStudent average;
    private final Adam adam;
    private final Ema targetEma;
    private final Ema shippedEma;
    private final CodiLoss loss;
    private final Batches batches;

    public CodiDistillation(CodiConfig config, DiffusionModel teacher, String teacherDigest, ImageDataset data) {
        this.config = config.validated();
        this.teacher = teacher;
        this.teacherDigest = teacherDigest;
        if (!(teacher.denoiser() instanceof ControlledDenoiser controlled)) {
            throw new IllegalArgumentException(teacher.name() + " is a '" + teacher.info().kind() + "' model; CoDi distils"
                    + " a conditional teacher (train-adapter makes one)");
        }
        teacherDenoiser = controlled;
        condition = ControlledKinds.task(teacher.info());
        var shape = teacher.info().config();
        if (data.channels() != shape.imageChannels() || data.size() != shape.imageSize()) {
            throw new IllegalArgumentException("the training images are " + data.channels() + "x" + data.size()
                    + " but the teacher makes " + shape.imageChannels() + "x" + shape.imageSize());
        }
        boolean full = !config.parameterEfficient();
        student = CodiStudent.of(controlled, full, manager);
        target = CodiStudent.of(controlled, full, manager);
        average = CodiStudent.of(controlled, full, manager);
        target.freezeParameters(true);
        average.freezeParameters(true);
        teacher.network().freezeParameters(true);
        adam = new Adam(student, manager, 0.9, 0.999, 1e-8);
        targetEma = new Ema(student, target, step -> config.consistency().targetDecay());
        shippedEma = new Ema(student, average, Ema.decay(config.consistency().emaDecay()));
        loss = new CodiLoss(config);
        batches = new Batches(List.of(), data);
    }

    /** Parameters the student trains, and the teacher's (backbone and adapter). */
    public long[] parameterCounts() {
        UNet frozen = teacher.network();
        long teacherCount = frozen.parameterCount() + teacherDenoiser.adapter().parameterCount();
        return new long[] {student.parameterCount(), teacherCount};
    }

    @Override
    public String kind() {
        return CodiKinds.CODI;
    }

    @Override
    public RunSettings run() {
        ConsistencyConfig c = config.consistency();
        return new RunSettings(c.iterations(), c.checkpointEvery(), c.probeEvery(), c.seed(), LOG, null, 5);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("student", student), Slot.of("target", target), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        CodiConfig before = CodiConfig.fromJson(saved.extra().get("codi"), "the training state");
        ConsistencyConfig resumable = before.consistency().resumedAs(config.consistency());
        String differences = SettingsDiff.between(new CodiConfig(resumable, before.cleanWeight(),
                before.parameterEfficient()), config);
        if (!differences.isEmpty()) {
            throw new CheckpointException("the state was distilled with other settings: " + differences
                    + " (only iterations and intervals may change on --resume)");
        }
        if (!teacherDigest.equals(saved.extra().get("teacher_sha256"))) {
            throw new CheckpointException("the state was distilled from a different teacher (its weights changed since)");
        }
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        int batch = config.consistency().batch();
        try (NDManager scope = manager.newSubManager()) {
            Batches.Labelled images = batches.labelled(scope, iteration.random(), batch, 0);
            NDArray c = condition.make(images.images(), iteration.random(), scope);
            var conditioning = images.conditioning().withControl(c);
            NDArray[] levels = loss.consistency().sampleLevels(scope, iteration.random(), batch);
            NDArray clean = images.images();
            NDArray noisy = clean.add(scope.randomNormal(clean.getShape()).mul(levels[0].reshape(-1, 1, 1, 1)));
            NDArray stepped = loss.consistency().teacherStep(teacherDenoiser, noisy, levels[0], levels[1], conditioning);
            CodiLoss.Value value = iteration.update(adam, config.consistency().learningRate(), Double.POSITIVE_INFINITY,
                    () -> loss.loss(student.function(), target.function(), noisy, stepped, levels[0], levels[1],
                            conditioning, clean));
            targetEma.update(iteration.index());
            shippedEma.update(iteration.index());
            return Map.of("codi_loss", iteration.reported(value), "consistency_term", value.consistencyTerm(),
                    "clean_term", value.cleanTerm());
        }
    }

    @Override
    public UNet shipped() {
        return average.network();
    }

    @Override
    public List<Block> shippedBeside() {
        return List.of(average.adapter());
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("method", "CoDi (Mei et al. 2024)" + (config.parameterEfficient() ? ", parameter-efficient" : ""));
        extra.put("task", condition.name());
        extra.put("codi", config.toJson());
        long[] counts = parameterCounts();
        extra.put("trained_parameters", Long.toString(counts[0]));
        extra.put("teacher", teacher.name());
        extra.put("teacher_sha256", teacherDigest);
        extra.put("distill_seconds", String.format("%.1f", seconds));
        double last = means.getOrDefault("codi_loss", Double.NaN);
        if (Double.isFinite(last)) {
            extra.put("codi_loss", String.format("%.6f", last));
        }
        ModelInfo t = teacher.info();
        return new ModelInfo(CodiKinds.CODI, t.dataset(), t.config(), iteration, t.prompts(), List.of(), extra);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Snapshot snapshot(NDManager scope) {
        var shape = teacher.info().config();
        return new Snapshot(new ConsistencyGenerator(average.function()), PROBE_BUDGET, scope, teacher.info().prompts(),
                shape.imageChannels(), shape.imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
