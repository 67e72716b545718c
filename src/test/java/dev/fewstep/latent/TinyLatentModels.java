package dev.fewstep.latent;

import ai.djl.ndarray.NDManager;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A tiny latent teacher for tests outside this package: a random tiny autoencoder (32×32 RGB to 4×16×16) and a
 * two-step latent teacher on its latents of the {@link TinyLatent} patterns.
 */
public final class TinyLatentModels {
    public static final int IMAGE_SIZE = 32;
    public static final int LATENT_SIZE = 16;
    public static final int LATENT_CHANNELS = 4;

    private TinyLatentModels() {}

    /** Trains the teacher into {@code dir/name} and returns that folder. */
    public static Path teacher(Path dir, String name) throws IOException {
        ImageDataset images = TinyLatent.data(12, 4);
        TrainConfig config = new TrainConfig("synthetic", 2, 4, 1e-3, 1, 0.9, 0.1, 1, 2, 8);
        Path out = dir.resolve(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(11);
            Autoencoder autoencoder = Autoencoder.create(AutoencoderConfig.tiny(IMAGE_SIZE, 2), manager);
            LatentDataset.Encoded latents = LatentDataset.encode(autoencoder, images);
            try (LatentTeacherTraining training = new LatentTeacherTraining(config, latents, autoencoder, "tiny-ae",
                    "abc")) {
                new TrainingLoop(out, training).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
            }
        }
        return out;
    }
}
