package dev.fewstep.cli;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.latent.AutoencoderFile;
import dev.fewstep.latent.LatentDataset;
import dev.fewstep.latent.LatentTeacherTraining;
import dev.fewstep.model.ModelStore;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;

/** {@code train --autoencoder NAME}: the teacher trained on the autoencoder's latents of the images. */
final class LatentTrain {
    private LatentTrain() {}

    static int run(TrainConfig config, ImageDataset data, String autoencoderName, RunOptions run) throws IOException {
        Path dir = AutoencoderFile.resolve(autoencoderName);
        String sha256 = ModelStore.sha256(dir.resolve(AutoencoderFile.FILE));
        try (AutoencoderFile.Loaded autoencoder = AutoencoderFile.load(dir)) {
            if (!autoencoder.info().dataset().equals(data.name())) {
                throw new IllegalArgumentException(autoencoderName + " was trained on " + autoencoder.info().dataset()
                        + ", not " + data.name());
            }
            long start = System.nanoTime();
            LatentDataset.Encoded latents = LatentDataset.encode(autoencoder.autoencoder(), data);
            System.out.printf("encoded %d images to %dx%dx%d latents (posterior means) in %.1f s; scale s = %.5f%n",
                    data.count(), latents.latents().channels(), latents.latents().size(), latents.latents().size(),
                    (System.nanoTime() - start) / 1e9, latents.scale().scale());
            try (LatentTeacherTraining training = new LatentTeacherTraining(config, latents, autoencoder.autoencoder(),
                    dir.getFileName().toString(), sha256)) {
                System.out.printf("training %s on %s latents (%d images, %d prompts), %s%n", run.out, data.name(),
                        data.count(), data.prompts().size(), training.networkConfig());
                TrainingLoop.Result result = run.run(new TrainingLoop(run.out, training), "train", "training", Probe.NONE);
                if (result == null) {
                    return 0;
                }
                if (result.iterationsRun() == 0) {
                    System.out.printf("done: %s was already at step %d of %d; nothing to train%n", run.out,
                            result.iteration(), config.steps());
                    return 0;
                }
                System.out.printf("done: %d steps, loss %.4f, %.1f s in total; weights in %s%n", config.steps(),
                        result.means().getOrDefault("loss", Double.NaN), result.seconds(),
                        run.out.resolve("model.safetensors"));
            }
        }
        return 0;
    }
}
