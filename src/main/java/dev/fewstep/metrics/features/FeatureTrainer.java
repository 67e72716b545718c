package dev.fewstep.metrics.features;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.train.Adam;
import dev.fewstep.train.DivergedException;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The training loop shared by the feature networks: Adam, one sub-manager per step, a checkpoint of weights
 * and optimizer state every {@code checkpointEvery} steps (both written atomically, state first), and an
 * evaluation at the end whose numbers go into the shipped file's metadata. Batches are drawn from
 * {@code Random(seed * 1_000_003 + step)}, so a resumed run continues exactly as an uninterrupted one.
 */
public abstract class FeatureTrainer {
    public static final String STATE = "train-state.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    protected final FeatureTrainConfig config;
    private final Path outDir;

    protected FeatureTrainer(FeatureTrainConfig config, Path outDir) {
        this.config = config;
        this.outDir = outDir;
    }

    /** The network's description before training; the trained file adds the measured numbers. */
    protected abstract FeatureInfo info();

    /** The loss of one batch, built in {@code scope}. */
    protected abstract NDArray batchLoss(FeatureNetwork network, NDManager scope, Random random);

    /** Measures the trained network on held-out data: metadata entries such as the test accuracy. */
    protected abstract Map<String, String> evaluate(FeatureNetwork network);

    /** Trains to {@code config.steps()} and returns the final metadata (measurements included). */
    public FeatureInfo train(TrainingLoop.Start start, LoopListener listener) throws IOException {
        boolean resume = start == TrainingLoop.Start.RESUME;
        if (resume && !Files.exists(outDir.resolve(STATE))) {
            throw new IllegalArgumentException(outDir + " has no training state (" + STATE + ") to resume; nothing was written");
        }
        Files.createDirectories(outDir);
        FeatureInfo info = info();
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed((int) config.seed());
            FeatureNetwork network = info.newNetwork();
            network.initialize(manager, DataType.FLOAT32);
            Adam adam = new Adam(network, manager, 0.9, 0.999, 1e-8);
            long step = 0;
            double seconds = 0;
            if (resume) {
                Map<String, String> meta = restore(network, adam, info);
                step = Long.parseLong(meta.get("step"));
                seconds = Double.parseDouble(meta.get("train_seconds"));
            } else if (start == TrainingLoop.Start.FRESH && Files.exists(outDir.resolve(FeatureModel.WEIGHTS))) {
                throw new IllegalArgumentException(outDir + " already holds a feature network; pass --resume to continue it, "
                        + "--force to replace it, or choose another --out");
            }
            listener.started(step, config.steps());
            long runStart = System.nanoTime();
            long runStartStep = step;
            double smoothedLoss = Double.NaN;
            Engine engine = manager.getEngine();
            while (step < config.steps()) {
                Random random = new Random(config.seed() * 1_000_003L + step);
                double value;
                try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    NDArray loss = batchLoss(network, scope, random);
                    value = loss.getFloat();
                    if (!Double.isFinite(value)) {
                        throw new DivergedException("training diverged at step " + step + " (loss " + value + ")");
                    }
                    collector.backward(loss);
                }
                adam.step(config.learningRate(step));
                step++;
                smoothedLoss = Double.isNaN(smoothedLoss) ? value : 0.98 * smoothedLoss + 0.02 * value;
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                listener.iterated(step, java.util.Map.of("loss", value), elapsed / (step - runStartStep));
                if (step % config.checkpointEvery() == 0 && step < config.steps()) {
                    checkpoint(network, adam, info, step, seconds + elapsed, smoothedLoss);
                }
            }
            double total = seconds + (System.nanoTime() - runStart) / 1e9;
            Map<String, String> measured = new LinkedHashMap<>(evaluate(network));
            measured.putAll(trainingEntries(step, total, smoothedLoss));
            FeatureInfo trained = info.withExtra(measured);
            checkpoint(network, adam, trained, step, total, smoothedLoss);
            return trained;
        }
    }

    private Map<String, String> trainingEntries(long step, double seconds, double loss) {
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            extra.put("training", JSON.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        extra.put("step", Long.toString(step));
        extra.put("train_seconds", String.format("%.1f", seconds));
        extra.put("train_loss", String.format("%.5f", loss));
        return extra;
    }

    private void checkpoint(FeatureNetwork network, Adam adam, FeatureInfo info, long step, double seconds, double loss)
            throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Weights.of(network).forEach((k, v) -> state.put("raw." + k, v));
        state.putAll(adam.state());
        Map<String, String> meta = new HashMap<>(info.toMetadata());
        meta.put("step", Long.toString(step));
        meta.put("train_seconds", Double.toString(seconds));
        meta.put("adam_updates", Long.toString(adam.updates()));
        // State first: if the process dies between the writes, resume starts from the newer state.
        SafeTensors.write(outDir.resolve(STATE), state, meta);
        FeatureModel.save(outDir, network, info.withExtra(trainingEntries(step, seconds, loss)));
    }

    private Map<String, String> restore(FeatureNetwork network, Adam adam, FeatureInfo info) {
        Path statePath = outDir.resolve(STATE);
        SafeTensors.Contents state = SafeTensors.read(statePath);
        FeatureInfo saved = FeatureInfo.fromMetadata(state.metadata(), statePath.toString());
        if (!saved.kind().equals(info.kind()) || !saved.config().equals(info.config())
                || !saved.dataset().equals(info.dataset())) {
            throw new CheckpointException(statePath + " holds a " + saved.kind() + " " + saved.config() + " on "
                    + saved.dataset() + "; this run asks for a " + info.kind() + " " + info.config() + " on " + info.dataset());
        }
        Map<String, Tensor> raw = new HashMap<>();
        state.tensors().forEach((k, v) -> {
            if (k.startsWith("raw.")) {
                raw.put(k.substring(4), v);
            }
        });
        Weights.load(network, raw, statePath.toString());
        adam.restore(state.tensors(), Long.parseLong(state.metadata().get("adam_updates")));
        return state.metadata();
    }
}
