package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.Adam;
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
 * Prompt-amortized score distillation (ScaleDreamer, Ma et al. 2024): one {@link TriplaneGenerator} for every
 * training prompt, each iteration one Adam step on a batch of prompts seen from random cameras, with ASD's or SDS's
 * gradient ({@link ScoreDistillationLoss}). The teacher is frozen and only ever sees detached renders. Ships
 * {@value Generator3dFile#FILE}; the training state holds the generator and Adam's moments.
 */
public final class AsdDistillation implements TrainingMethod, AutoCloseable {
    public static final String LOG = "distill-log.jsonl";
    public static final String PLOT = "fid-vs-iterations.png";
    private static final int MAX_SKIPPED_IN_A_ROW = 5;

    private final AsdConfig config;
    private final DiffusionModel teacher;
    private final String teacherDigest;
    private final List<String> prompts;
    private final float[] embeddings;
    private final NDManager manager = NDManager.newBaseManager();
    private final TriplaneGenerator generator;
    private final Adam adam;
    private final DistillStep step;

    /** @param embeddings the prompts' MiniLM embeddings, (P, 384) row after row ({@link PromptEmbeddings}) */
    public AsdDistillation(AsdConfig config, DiffusionModel teacher, String teacherDigest, List<String> prompts,
            float[] embeddings) {
        this.config = config.validated();
        this.teacher = teacher;
        this.teacherDigest = teacherDigest;
        this.prompts = List.copyOf(prompts);
        if (!teacher.kind().isTeacher()) {
            throw new IllegalArgumentException(teacher.name() + " is a distilled model (kind " + teacher.info().kind()
                    + "); distil from a teacher");
        }
        var shape = teacher.info().config();
        if (shape.imageChannels() != 3) {
            throw new IllegalArgumentException(teacher.name() + " makes " + shape.imageChannels() + "-channel images;"
                    + " the 3D generator renders RGB");
        }
        if (embeddings.length != prompts.size() * TextEncoder.DIM) {
            throw new IllegalArgumentException("expected " + prompts.size() + " prompt embeddings, got "
                    + embeddings.length / TextEncoder.DIM);
        }
        this.embeddings = embeddings;
        generator = TriplaneGenerator.create(config.generator(), manager);
        generator.freezeParameters(true);
        adam = new Adam(generator, manager, 0.9, 0.99, 1e-8);
        step = new DistillStep(generator, teacher.denoiser(), teacher.info().config().cameraDim() > 0, config);
    }

    public TriplaneGenerator generator() {
        return generator;
    }

    @Override
    public String kind() {
        return config.loss().name().toLowerCase(java.util.Locale.ROOT) + "3d";
    }

    @Override
    public RunSettings run() {
        AsdConfig.Run run = config.run();
        return new RunSettings(run.iterations(), run.checkpointEvery(), run.probeEvery(), run.seed(), LOG, PLOT,
                MAX_SKIPPED_IN_A_ROW);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("generator", generator), Slot.of("generator_adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        String differences = config.differencesFrom(AsdConfig.fromJson(saved.extra().get("asd"), "the training state"));
        if (!differences.isEmpty()) {
            throw new CheckpointException("the state was distilled with other settings (only iterations and intervals may"
                    + " change on --resume): " + differences);
        }
        if (!teacherDigest.equals(saved.extra().get("teacher_sha256"))) {
            throw new CheckpointException("the state was distilled from a different teacher (sha256 "
                    + saved.extra().get("teacher_sha256") + ", now " + teacherDigest + ")");
        }
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        try (NDManager scope = manager.newSubManager()) {
            DistillStep.Draws draws = step.draw(scope, iteration.random(), prompts.size(), config.run().batch());
            NDArray rows = ViewConditioning.rows(scope, embeddings, draws.prompts());
            ScoreDistillationLoss.Value value = iteration.update(generator, adam, config.learningRate(),
                    () -> step.loss(rows, draws));
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("gradient_norm", iteration.reported(value));
            return metrics;
        }
    }

    @Override
    public Map<String, Object> logged() {
        return Map.of("lr", config.learningRate());
    }

    /** Unused: {@link #ship} writes the generator, not a U-Net. */
    @Override
    public UNet shipped() {
        return teacher.network();
    }

    @Override
    public String shippedFile() {
        return Generator3dFile.FILE;
    }

    @Override
    public void ship(Path file, ModelInfo info) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>(info.extra());
        extra.put("step", Long.toString(info.step()));
        extra.put("prompts", info.toMetadata().get("prompts"));
        Generator3dFile.write(file, generator, kind(), extra);
    }

    @Override
    public void restoreShipped(Path file) {
        // the shipped file holds the generator itself, which its slot restored
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("method", config.loss() == ScoreDistillationLoss.Kind.ASD
                ? "ASD (ScaleDreamer, Ma et al. 2024), prompt-amortized triplane generator"
                : "SDS (DreamFusion, Poole et al. 2022), prompt-amortized triplane generator");
        extra.put("asd", config.toJson());
        extra.put("teacher", teacher.name());
        extra.put("teacher_step", Long.toString(teacher.info().step()));
        extra.put("teacher_sha256", teacherDigest);
        extra.put("train_prompts", Integer.toString(prompts.size()));
        extra.put("parameters", Long.toString(parameterCount()));
        extra.put("distill_seconds", String.format("%.1f", seconds));
        Double norm = means.get("gradient_norm");
        if (norm != null && Double.isFinite(norm)) {
            extra.put("gradient_norm", String.format("%.5f", norm));
        }
        return new ModelInfo(kind(), teacher.info().dataset(), teacher.info().config(), iteration, prompts, List.of(), extra);
    }

    long parameterCount() {
        return Weights.of(generator).values().stream().mapToLong(t -> t.data().length).sum();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** The 3D generator has no 2D {@code Generator}: probes read {@link #generator()} directly. */
    @Override
    public Snapshot snapshot(NDManager scope) {
        return new Snapshot(null, null, scope, prompts, 3, teacher.info().config().imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
