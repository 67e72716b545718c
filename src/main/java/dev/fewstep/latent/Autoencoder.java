package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fewstep.nn.Layer;

/**
 * The first stage of latent diffusion (Rombach et al. 2022, Section 3): an encoder E to a diagonal Gaussian over a
 * (C, H/f, W/f) latent and a decoder D back to pixels, x̃ = D(z), z ~ E(x). Images are in [-1, 1].
 */
public final class Autoencoder extends Layer {
    private final AutoencoderConfig config;
    private final Encoder encoder;
    private final Decoder decoder;

    public Autoencoder(AutoencoderConfig config) {
        this.config = config.validated();
        encoder = addChildBlock("encoder", new Encoder(config));
        decoder = addChildBlock("decoder", new Decoder(config));
    }

    /** Builds and initialises an autoencoder; its parameters live in {@code manager}. */
    public static Autoencoder create(AutoencoderConfig config, NDManager manager) {
        Autoencoder autoencoder = new Autoencoder(config);
        autoencoder.initialize(manager, DataType.FLOAT32);
        return autoencoder;
    }

    Decoder decoder() {
        return decoder;
    }

    public AutoencoderConfig config() {
        return config;
    }

    /** q(z | x) for (B, imageChannels, imageSize, imageSize) images. */
    public DiagonalGaussian encode(NDArray images) {
        return new DiagonalGaussian(encoder.apply(images));
    }

    /** D(z) for (B, latentChannels, latentSize, latentSize) latents; the images unclipped. */
    public NDArray decode(NDArray latents) {
        return decoder.apply(latents);
    }

    /** The deterministic reconstruction D(μ(x)), what the held-out PSNR measures. */
    @Override
    public NDArray apply(NDArray images) {
        return decode(encode(images).mean());
    }

    public long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }
}
