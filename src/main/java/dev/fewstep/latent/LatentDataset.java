package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.data.ImageDataset;

/**
 * A dataset encoded once into the autoencoder's latent space: each image's posterior mean μ(x) (not a sample, so
 * every epoch sees the same latent and the encoder's noise does not add to the diffusion model's), scaled by
 * {@link LatentScale} to unit variance. Prompts are the images'.
 */
public final class LatentDataset {
    private static final int CHUNK = 32;

    private LatentDataset() {}

    /** The encoded images and their scale; {@code images} unchanged. */
    public record Encoded(ImageDataset latents, LatentScale scale) {}

    public static Encoded encode(Autoencoder autoencoder, ImageDataset images) {
        AutoencoderConfig config = autoencoder.config();
        if (images.channels() != config.imageChannels() || images.size() != config.imageSize()) {
            throw new IllegalArgumentException("the autoencoder takes " + config.imageChannels() + "x" + config.imageSize()
                    + "x" + config.imageSize() + " images; " + images.name() + " has " + images.channels() + "x"
                    + images.size() + "x" + images.size());
        }
        int side = config.latentSize();
        int latentLength = config.latentChannels() * side * side;
        float[] means = new float[images.count() * latentLength];
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager manager = NDManager.newBaseManager()) {
            int length = images.imageLength();
            for (int start = 0; start < images.count(); start += CHUNK) {
                int count = Math.min(CHUNK, images.count() - start);
                float[] pixels = new float[count * length];
                System.arraycopy(images.pixels(), start * length, pixels, 0, pixels.length);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(pixels, new Shape(count, images.channels(), images.size(), images.size()));
                    float[] mean = autoencoder.encode(x).mean().toFloatArray();
                    System.arraycopy(mean, 0, means, start * latentLength, mean.length);
                }
            }
        } finally {
            JniUtils.setGradMode(recording);
        }
        LatentScale scale = LatentScale.of(means);
        ImageDataset latents = new ImageDataset(images.name(), config.latentChannels(), side, scale.scaled(means),
                images.promptIndex().clone(), images.prompts());
        return new Encoded(latents, scale);
    }
}
