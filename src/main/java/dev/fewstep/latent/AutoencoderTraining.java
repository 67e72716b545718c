package dev.fewstep.latent;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.Emoji;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Objective;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the autoencoder of latent diffusion on the shared loop: each iteration one Adam step on
 * {@link AutoencoderLoss} over a batch of training images, z sampled from q(z | x); ships {@value AutoencoderFile#FILE}
 * (an exponential moving average of the weights). Its probe is the reconstruction PSNR on the held-out images.
 * Slots: {@code raw} and {@code adam}.
 */
public final class AutoencoderTraining implements TrainingMethod, AutoCloseable {
    public static final String KIND = "autoencoder";
    public static final String LOG = "train-log.jsonl";
    static final double MAX_GRADIENT_NORM = 1.0;
    static final int MAX_SKIPPED_IN_A_ROW = 20;

    private final AutoencoderTrainConfig config;
    private final ImageDataset train;
    private final ImageDataset heldOut;
    private final NDManager manager;
    private final Autoencoder network;
    private final Autoencoder average;
    private final Adam adam;
    private final Ema ema;
    private double lastPsnr = Double.NaN;

    /** @param data every image; the {@link HeldOut} ones are only measured */
    public AutoencoderTraining(AutoencoderTrainConfig config, ImageDataset data) {
        if (data.channels() != config.network().imageChannels() || data.size() != config.network().imageSize()) {
            throw new IllegalArgumentException("the " + data.name() + " images are " + data.channels() + "x" + data.size()
                    + "x" + data.size() + "; the autoencoder takes " + config.network().imageChannels() + "x"
                    + config.network().imageSize() + "x" + config.network().imageSize());
        }
        this.config = config;
        this.train = HeldOut.train(data);
        this.heldOut = HeldOut.heldOut(data);
        this.manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) config.seed());
        network = Autoencoder.create(config.network(), manager);
        average = Autoencoder.create(config.network(), manager);
        adam = new Adam(network, manager, 0.9, 0.999, 1e-8);
        ema = new Ema(network, average, Ema.decay(config.emaDecay()));
    }

    public ImageDataset trainImages() {
        return train;
    }

    public ImageDataset heldOutImages() {
        return heldOut;
    }

    /** The shipped (averaged) autoencoder. */
    public Autoencoder averaged() {
        return average;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public RunSettings run() {
        return new RunSettings(config.steps(), config.checkpointEvery(), config.checkpointEvery(), config.seed(), LOG,
                null, MAX_SKIPPED_IN_A_ROW);
    }

    @Override
    public List<Slot> slots() {
        return List.of(Slot.of("raw", network), Slot.of("adam", adam));
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        CheckpointException.requireSameSettings(
                config.differencesFrom(AutoencoderTrainConfig.fromJson(saved.extra().get("training"), "the state")));
    }

    @Override
    public void start(Path dir) throws IOException {
        Emoji.attributeIfEmoji(train.name(), dir);
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        try (NDManager scope = manager.newSubManager()) {
            int length = train.imageLength();
            float[] pixels = new float[config.batch() * length];
            for (int b = 0; b < config.batch(); b++) {
                train.copyImage(iteration.random().nextInt(train.count()), pixels, b * length);
            }
            NDArray x = scope.create(pixels, new Shape(config.batch(), train.channels(), train.size(), train.size()));
            AutoencoderLoss.Terms[] terms = new AutoencoderLoss.Terms[1];
            Objective value = iteration.update(adam, config.learningRate(iteration.index()), MAX_GRADIENT_NORM, () -> {
                DiagonalGaussian posterior = network.encode(x);
                NDArray z = posterior.sample(scope.randomNormal(posterior.mean().getShape()));
                terms[0] = config.loss().loss(x, network.decode(z), posterior);
                return Objective.of(terms[0].total());
            });
            ema.update(iteration.index());
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("loss", iteration.reported(value));
            metrics.put("l1", (double) terms[0].l1().getFloat());
            metrics.put("edge", (double) terms[0].edge().getFloat());
            metrics.put("kl", (double) terms[0].kl().getFloat());
            return metrics;
        }
    }

    /** The held-out reconstruction PSNR of the averaged weights, as {@code psnr}. */
    public Probe probe() {
        return (snapshot, iteration) -> {
            lastPsnr = Reconstruction.psnr(average, heldOut, manager);
            return Map.of("psnr", lastPsnr);
        };
    }

    /** Not a U-Net: this method ships {@value AutoencoderFile#FILE} through {@link #ship}. */
    @Override
    public UNet shipped() {
        return null;
    }

    @Override
    public String shippedFile() {
        return AutoencoderFile.FILE;
    }

    @Override
    public void ship(Path file, ModelInfo info) throws IOException {
        AutoencoderFile.write(file, average, new AutoencoderFile.Info(config.network(), info.dataset(), info.step(),
                info.extra()));
    }

    @Override
    public void restoreShipped(Path file) {
        Weights.load(average, SafeTensors.read(file).tensors(), file.toString());
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("training", Json.write(config));
        extra.put("train_seconds", String.format("%.1f", seconds));
        extra.put("train_loss", String.format("%.5f", means.getOrDefault("loss", Double.NaN)));
        extra.put("held_out_images", Integer.toString(heldOut.count()));
        extra.put("held_out_psnr", String.format("%.2f", lastPsnr));
        extra.put("parameters", Long.toString(average.parameterCount()));
        return new ModelInfo(KIND, train.name(), null, iteration, train.prompts(), List.of(), extra);
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** Probes measure the autoencoder directly ({@link #probe}); there is no generator to snapshot. */
    @Override
    public Snapshot snapshot(NDManager scope) {
        return new Snapshot(null, null, scope, train.prompts(), train.channels(), train.size());
    }

    @Override
    public void close() {
        manager.close();
    }
}
