package dev.fewstep.distill.consistency;

import ai.djl.ndarray.NDManager;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.Budget;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelKind;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Batches;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consistency distillation (Song et al. 2023, Algorithm 2) of a text-conditioned EDM teacher into a consistency
 * model f_theta ({@link ConsistencyFunction}) that generates in 1 to 4 steps ({@link ConsistencyGenerator}). Each
 * iteration: training images and their prompts, a level pair t_{n+1} &gt; t_n, the guided teacher's ODE step, one
 * Adam step on {@link ConsistencyLoss}, then the target theta^- &lt;- mu theta^- + (1 - mu) theta and the shipped
 * average. f_theta, theta^- and the average start from the teacher's network. Slots: {@code student}, {@code target},
 * {@code adam}.
 */
public final class ConsistencyDistillation implements TrainingMethod, AutoCloseable {
    public static final String NAME = "cd";
    public static final String LOG = "distill-log.jsonl";
    public static final String PLOT = "fid-vs-iterations.png";
    /** The probes measure the student at 2 steps, the budget the target is set at. */
    static final Budget PROBE_BUDGET = new Budget(null, 2, 1.0);
    /** Consistency students: their network with the boundary scalings, sampled in 1 to 4 steps. */
    public static final ModelKind KIND = new ModelKind(NAME, ModelKind.STUDENT, ConsistencyFunction::of,
            (info, consistency) -> new ConsistencyGenerator(consistency));

    private final ConsistencyConfig config;
    private final DiffusionModel teacher;
    private final String teacherDigest;
    private final NDManager manager = NDManager.newBaseManager();
    private final UNet student;
    private final UNet target;
    private final UNet average;
    private final Adam adam;
    private final ConsistencyStep step;

    /** @param teacherDigest the SHA-256 of the teacher's weights, so a resume can tell if they changed */
    public ConsistencyDistillation(ConsistencyConfig config, DiffusionModel teacher, String teacherDigest, ImageDataset data) {
        this.config = config.validated();
        this.teacher = teacher;
        this.teacherDigest = teacherDigest;
        if (!teacher.kind().isTeacher()) {
            throw new IllegalArgumentException(teacher.name() + " is a distilled model (kind " + teacher.info().kind()
                    + "); distil from a teacher");
        }
        var shape = teacher.info().config();
        if (data.channels() != shape.imageChannels() || data.size() != shape.imageSize()) {
            throw new IllegalArgumentException("the training images are " + data.channels() + "x" + data.size() + "x"
                    + data.size() + " but the teacher makes " + shape.imageChannels() + "x" + shape.imageSize());
        }
        student = UNet.create(shape, manager);
        target = UNet.create(shape, manager);
        average = UNet.create(shape, manager);
        Weights.copy(teacher.network(), student);
        target.freezeParameters(true);
        average.freezeParameters(true);
        EdmDenoiser online = ConsistencyFunction.of(student);
        EdmDenoiser targetFunction = ConsistencyFunction.of(target);
        adam = new Adam(student, manager, 0.9, 0.999, 1e-8);
        Ema targetEma = new Ema(student, target, step -> config.targetDecay());
        Ema shippedEma = new Ema(student, average, Ema.decay(config.emaDecay()));
        step = new ConsistencyStep(this.config, teacher, online, targetFunction, adam, targetEma, shippedEma,
                new ConsistencyLoss(config), new Batches(List.of(), data));
    }

    @Override
    public String kind() {
        return NAME;
    }

    @Override
    public RunSettings run() {
        return new RunSettings(config.iterations(), config.checkpointEvery(), config.probeEvery(), config.seed(), LOG, PLOT, 5);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("student", student), Slot.of("target", target), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        ConsistencyStep.checkResume(config, saved, teacherDigest, "");
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        return step.run(iteration, manager);
    }

    @Override
    public UNet shipped() {
        return average;
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("method", "consistency distillation (Song et al. 2023), guided teacher steps (Luo et al. 2023)");
        extra.put("consistency", config.toJson());
        extra.put("teacher", teacher.name());
        extra.put("teacher_step", Long.toString(teacher.info().step()));
        extra.put("teacher_sha256", teacherDigest);
        extra.put("distill_seconds", String.format("%.1f", seconds));
        double last = means.getOrDefault("consistency_loss", Double.NaN);
        if (Double.isFinite(last)) {
            extra.put("consistency_loss", String.format("%.6f", last));
        }
        ModelInfo t = teacher.info();
        return new ModelInfo(NAME, t.dataset(), t.config(), iteration, t.prompts(), List.of(), extra);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Snapshot snapshot(NDManager scope) {
        var shape = average.config();
        return new Snapshot(new ConsistencyGenerator(ConsistencyFunction.of(average)), PROBE_BUDGET, scope,
                teacher.info().prompts(), shape.imageChannels(), shape.imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
