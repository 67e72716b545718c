package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;

/**
 * A denoiser in latent space (its input and output are scaled latents s·z) that carries the decoder its samples go
 * through: what a latent model's kind builds, so its generator finds the decoder.
 */
public final class LatentDenoiser implements Denoiser {
    private final Denoiser latent;
    private final LatentDecoder decoder;

    public LatentDenoiser(Denoiser latent, LatentDecoder decoder) {
        this.latent = latent;
        this.decoder = decoder;
    }

    public LatentDecoder decoder() {
        return decoder;
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
        return latent.denoise(x, sigma, conditioning);
    }

    /** The latent's channels: the noise a generation starts from has the latent's shape. */
    @Override
    public int imageChannels() {
        return latent.imageChannels();
    }

    @Override
    public int imageSize() {
        return latent.imageSize();
    }
}
