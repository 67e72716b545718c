package dev.fewstep.distill.consistency;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.io.Json;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.lora.Adapters;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.nn.lora.LoraInfo;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Batches;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consistency distillation trained as low-rank adapters on the frozen teacher (Luo et al. 2023, "LCM-LoRA"): the same
 * loss, level pairs and guided teacher step as {@link ConsistencyDistillation}, but f_theta is the teacher's network
 * with adapters θ (Hu et al. 2021, Eq. 3) under the consistency model's boundary scalings, and only θ is trained. The
 * target θ⁻ and the shipped average are adapters too, each on its own frozen copy of the teacher, while the teacher's
 * step runs on the teacher's network without adapters. Ships {@value Lora#FILE} marked {@code model_kind = cd}: applied
 * to its base it makes a consistency model. Slots: {@code adapters}, {@code target}, {@code adam}.
 */
public final class ConsistencyLoraDistillation implements TrainingMethod, AutoCloseable {
    public static final String KIND = "cd-lora";
    /**
     * Adam's step size for adapters when none is asked for: five times the full student's 1e-4, as LoRA fine-tuning
     * uses five times the full fine-tune's (B starts at zero and (α/r) B A needs larger steps for the same change).
     */
    public static final double LEARNING_RATE = 5e-4;

    private final ConsistencyConfig config;
    private final LoraConfig lora;
    private final DiffusionModel teacher;
    private final String teacherDigest;
    private final NDManager manager = NDManager.newBaseManager();
    private final UNet studentNetwork;
    private final UNet averageNetwork;
    private final Adapters adapters;
    private final Adapters target;
    private final Adapters average;
    private final Adam adam;
    private final ConsistencyStep step;

    /** @param teacherDigest the SHA-256 of the teacher's weights: written into the adapter file, checked on resume */
    public ConsistencyLoraDistillation(ConsistencyConfig config, LoraConfig lora, DiffusionModel teacher,
            String teacherDigest, ImageDataset data) {
        this.config = config.validated();
        this.lora = lora;
        this.teacher = teacher;
        this.teacherDigest = teacherDigest;
        if (!teacher.kind().isTeacher()) {
            throw new IllegalArgumentException(teacher.name() + " is a distilled model (kind " + teacher.info().kind()
                    + "); a consistency LoRA adapts a teacher");
        }
        var shape = teacher.info().config();
        if (data.channels() != shape.imageChannels() || data.size() != shape.imageSize()) {
            throw new IllegalArgumentException("the training images are " + data.channels() + "x" + data.size() + "x"
                    + data.size() + " but the teacher makes " + shape.imageChannels() + "x" + shape.imageSize());
        }
        Engine.getInstance().setRandomSeed((int) config.seed()); // the adapters' initial A comes from the seed
        studentNetwork = frozenCopy();
        UNet targetNetwork = frozenCopy();
        averageNetwork = frozenCopy();
        adapters = Adapters.create(studentNetwork, lora, manager).attach();
        target = Adapters.create(targetNetwork, lora, manager).attach();
        average = Adapters.create(averageNetwork, lora, manager).attach();
        target.freezeParameters(true);
        average.freezeParameters(true);
        EdmDenoiser online = ConsistencyFunction.of(studentNetwork);
        EdmDenoiser targetFunction = ConsistencyFunction.of(targetNetwork);
        adam = new Adam(adapters, manager, 0.9, 0.999, 1e-8);
        Ema targetEma = new Ema(adapters, target, step -> config.targetDecay());
        Ema shippedEma = new Ema(adapters, average, Ema.decay(config.emaDecay()));
        step = new ConsistencyStep(this.config, teacher, online, targetFunction, adam, targetEma, shippedEma,
                new ConsistencyLoss(config), new Batches(List.of(), data));
    }

    private UNet frozenCopy() {
        UNet copy = UNet.create(teacher.info().config(), manager);
        Weights.copy(teacher.network(), copy);
        copy.freezeParameters(true);
        return copy;
    }

    /** The adapters being trained (attached to their own copy of the teacher's network). */
    public Adapters adapters() {
        return adapters;
    }

    /** The frozen copy of the teacher's network that the trained adapters decorate. */
    UNet student() {
        return studentNetwork;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public RunSettings run() {
        return new RunSettings(config.iterations(), config.checkpointEvery(), config.probeEvery(), config.seed(),
                ConsistencyDistillation.LOG, ConsistencyDistillation.PLOT, 5);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("adapters", adapters), Slot.of("target", target), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        LoraConfig savedLora = Json.read(saved.extra().get("lora"), LoraConfig.class, "the training state", "LoRA settings");
        ConsistencyStep.checkResume(config, saved, teacherDigest,
                savedLora.equals(lora) ? "" : "LoRA " + savedLora + " -> " + lora);
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        return step.run(iteration, manager);
    }

    /** Not shipped as a model: {@link #ship} writes the averaged adapters. */
    @Override
    public UNet shipped() {
        return averageNetwork;
    }

    @Override
    public String shippedFile() {
        return Lora.FILE;
    }

    @Override
    public void ship(Path file, ModelInfo info) throws IOException {
        Lora.write(file, average.tensors(), new LoraInfo(teacher.name(), teacherDigest, lora, info.dataset(), info.step(),
                info.extra(), ConsistencyDistillation.NAME));
    }

    @Override
    public void restoreShipped(Path file) {
        average.load(SafeTensors.read(file).tensors(), file.toString());
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("method", "consistency LoRA (Luo et al. 2023): consistency distillation (Song et al. 2023) of adapters"
                + " on the frozen teacher, guided teacher steps");
        extra.put("consistency", config.toJson());
        extra.put("lora", Json.write(lora));
        extra.put("teacher", teacher.name());
        extra.put("teacher_step", Long.toString(teacher.info().step()));
        extra.put("teacher_sha256", teacherDigest);
        extra.put("distill_seconds", String.format("%.1f", seconds));
        extra.put("parameters", Long.toString(adapters.parameterCount()));
        extra.put("base_parameters", Long.toString(teacher.network().parameterCount()));
        double last = means.getOrDefault("consistency_loss", Double.NaN);
        if (Double.isFinite(last)) {
            extra.put("consistency_loss", String.format("%.6f", last));
        }
        ModelInfo t = teacher.info();
        return new ModelInfo(KIND, t.dataset(), t.config(), iteration, t.prompts(), List.of(), extra);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Snapshot snapshot(NDManager scope) {
        var shape = averageNetwork.config();
        return new Snapshot(new ConsistencyGenerator(ConsistencyFunction.of(averageNetwork)),
                ConsistencyDistillation.PROBE_BUDGET, scope, teacher.info().prompts(), shape.imageChannels(),
                shape.imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
