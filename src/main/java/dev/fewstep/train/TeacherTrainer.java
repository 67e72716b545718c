package dev.fewstep.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.data.Emoji;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.text.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Trains an EDM teacher on a dataset with prompts. Every {@code checkpointEvery} steps it writes the shipped
 * weights (the EMA, {@code model.safetensors}) and the training state (raw weights and Adam moments,
 * {@code train-state.safetensors}), both atomically; {@code resume} continues from the state bit for bit.
 */
public final class TeacherTrainer {
    public static final String STATE = "train-state.safetensors";
    public static final String LOG = "train-log.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Global gradient-norm clip; rarely active once training settles, it stops early divergence. */
    static final double MAX_GRADIENT_NORM = 1.0;
    private static final int MAX_SKIPPED_IN_A_ROW = 20;
    /** Steps skipped for a non-finite loss or gradient since this JVM started training (reported in metadata). */
    private long skipped;

    private final TrainConfig config;
    private final ImageDataset data;
    private final Path outDir;

    public TeacherTrainer(TrainConfig config, ImageDataset data, Path outDir) {
        this.config = config;
        this.data = data;
        this.outDir = outDir;
    }

    public UNetConfig networkConfig() {
        UNetConfig small = UNetConfig.small(data.channels());
        return new UNetConfig(small.imageChannels(), small.imageSize(), config.baseChannels(), small.channelMultipliers(),
                small.resBlocksPerLevel(), small.attentionResolutions(), small.heads(), small.textDim(),
                small.contextTokens(), small.contextDim());
    }

    /**
     * What a call of {@link #train} did.
     *
     * @param step the step the saved weights are at
     * @param stepsRun the steps this call ran (0 when a resumed run was already at {@code config.steps()})
     * @param smoothedLoss the loss averaged over roughly the last 100 steps of this call (NaN if none had a finite loss)
     * @param stopped whether the listener's stop request ended the run before {@code config.steps()}
     */
    public record Result(long step, long stepsRun, double smoothedLoss, boolean stopped) {}

    /** Runs until {@code config.steps()}, or until the listener asks to stop (then checkpoints that step first). */
    public Result train(boolean resume, TrainingListener listener) throws IOException {
        Files.createDirectories(outDir);
        if (data.name().equals("emoji")) {
            Files.writeString(outDir.resolve(Emoji.ATTRIBUTION_FILE), Emoji.ATTRIBUTION);
        }
        float[] promptEmbeddings = TextEncoder.get().embedAll(data.prompts());
        EdmLoss loss = EdmLoss.paperDefaults();
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed((int) config.seed()); // the initial weights come from the seed too
            UNet network = UNet.create(networkConfig(), manager);
            UNet average = UNet.create(networkConfig(), manager);
            Adam adam = new Adam(network, manager, 0.9, 0.999, 1e-8);
            Ema ema = new Ema(network, average, config.emaDecay());
            long step = 0;
            double seconds = 0;
            if (resume && Files.exists(outDir.resolve(STATE))) {
                Map<String, String> meta = restore(network, average, adam);
                step = Long.parseLong(meta.get("step"));
                seconds = Double.parseDouble(meta.getOrDefault("train_seconds", "0"));
            } else if (!resume && Files.exists(outDir.resolve(ModelStore.WEIGHTS))) {
                throw new IllegalArgumentException(outDir + " already holds a model; pass --resume to continue it, or choose another --out");
            }
            EdmDenoiser denoiser = new EdmDenoiser(network);
            listener.started(step, config.steps());
            double smoothedLoss = Double.NaN;
            int skippedInARow = 0;
            long runStart = System.nanoTime();
            long runStartStep = step;
            while (step < config.steps()) {
                double value = trainStep(manager, denoiser, loss, adam, promptEmbeddings, step);
                if (Double.isNaN(value)) {
                    skipped++;
                    if (++skippedInARow > MAX_SKIPPED_IN_A_ROW) {
                        throw new DivergedException("training diverged at step " + step + ": " + skippedInARow
                                + " steps in a row had a non-finite loss or gradient; the last checkpoint in " + outDir
                                + " is untouched (--resume continues from it)");
                    }
                } else {
                    skippedInARow = 0;
                    smoothedLoss = Double.isNaN(smoothedLoss) ? value : 0.99 * smoothedLoss + 0.01 * value;
                }
                ema.update(step);
                step++;
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                listener.stepped(step, value, (step - runStartStep) / elapsed);
                boolean stop = listener.stopRequested();
                if (step % config.checkpointEvery() == 0 || step == config.steps() || stop) {
                    double total = seconds + elapsed;
                    checkpoint(network, average, adam, step, total, smoothedLoss);
                }
                if (stop && step < config.steps()) {
                    return new Result(step, step - runStartStep, smoothedLoss, true);
                }
            }
            return new Result(step, step - runStartStep, smoothedLoss, false);
        }
    }

    private double trainStep(NDManager manager, EdmDenoiser denoiser, EdmLoss loss, Adam adam, float[] promptEmbeddings, long step) {
        Random random = new Random(config.seed() * 1_000_003L + step);
        int batch = config.batch();
        int length = data.imageLength();
        float[] images = new float[batch * length];
        float[] text = new float[batch * TextEncoder.DIM];
        float[] dropped = new float[batch];
        for (int b = 0; b < batch; b++) {
            int i = random.nextInt(data.count());
            data.copyImage(i, images, b * length);
            System.arraycopy(promptEmbeddings, data.promptIndex()[i] * TextEncoder.DIM, text, b * TextEncoder.DIM, TextEncoder.DIM);
            dropped[b] = random.nextDouble() < config.promptDropout() ? 1f : 0f;
        }
        Engine engine = manager.getEngine();
        engine.setRandomSeed((int) (config.seed() * 7919 + step));
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(images, new Shape(batch, data.channels(), data.size(), data.size()));
            Conditioning conditioning = new Conditioning(
                    scope.create(text, new Shape(batch, TextEncoder.DIM)), scope.create(dropped, new Shape(batch)));
            double value;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray l = loss.loss(denoiser, x, conditioning);
                value = l.getFloat();
                if (Double.isFinite(value)) {
                    collector.backward(l);
                }
            }
            if (!Double.isFinite(value) || !Double.isFinite(adam.step(config.learningRate(step), MAX_GRADIENT_NORM))) {
                adam.zeroGradients();
                return Double.NaN;
            }
            return value;
        }
    }

    private ModelInfo info(long step, double seconds, double recentLoss) {
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            extra.put("training", JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        extra.put("train_seconds", String.format("%.1f", seconds));
        extra.put("train_loss", String.format("%.5f", recentLoss));
        extra.put("skipped_steps_last_run", Long.toString(skipped));
        return new ModelInfo(ModelInfo.TEACHER, data.name(), networkConfig(), step, data.prompts(), 0, extra);
    }

    private void checkpoint(UNet network, UNet average, Adam adam, long step, double seconds, double recentLoss)
            throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Weights.of(network).forEach((k, v) -> state.put("raw." + k, v));
        state.putAll(adam.state());
        Map<String, String> meta = new HashMap<>(info(step, seconds, recentLoss).toMetadata());
        meta.put("train_seconds", Double.toString(seconds));
        meta.put("adam_updates", Long.toString(adam.updates()));
        // The state goes first: if we die between the two writes, resume starts from the newer state and the
        // shipped weights are at most one checkpoint old.
        SafeTensors.write(outDir.resolve(STATE), state, meta);
        DiffusionModel.save(outDir, average, info(step, seconds, recentLoss));
        Files.writeString(outDir.resolve(LOG),
                String.format("{\"step\":%d,\"loss\":%.6f,\"seconds\":%.1f}%n", step, recentLoss, seconds),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Map<String, String> restore(UNet network, UNet average, Adam adam) {
        Path statePath = outDir.resolve(STATE);
        SafeTensors.Contents state = SafeTensors.read(statePath);
        ModelInfo saved = ModelInfo.fromMetadata(state.metadata(), statePath.toString());
        if (!saved.config().equals(networkConfig()) || !saved.dataset().equals(data.name())) {
            throw new CheckpointException(statePath + " was trained with " + saved.config() + " on " + saved.dataset()
                    + "; this run asks for " + networkConfig() + " on " + data.name());
        }
        Map<String, Tensor> raw = new HashMap<>();
        state.tensors().forEach((k, v) -> {
            if (k.startsWith("raw.")) {
                raw.put(k.substring(4), v);
            }
        });
        Weights.load(network, raw, statePath.toString());
        adam.restore(state.tensors(), Long.parseLong(state.metadata().get("adam_updates")));
        Path weights = outDir.resolve(ModelStore.WEIGHTS);
        Weights.load(average, SafeTensors.read(weights).tensors(), weights.toString());
        return state.metadata();
    }
}
