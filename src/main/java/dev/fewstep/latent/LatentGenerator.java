package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generator;
import dev.fewstep.sample.Sampler;
import java.util.List;
import java.util.Set;

/**
 * Latent diffusion's generator (Rombach et al. 2022, Section 3.3): any generator of scaled latents, then x = D(ẑ / s).
 * The noise is latent-shaped; the images come out at the autoencoder's size. The decoder costs no network evaluation
 * of the denoiser, so the NFE is the latent generator's.
 */
public final class LatentGenerator implements Generator {
    private final Generator latent;
    private final LatentDecoder decoder;

    /** @param decoder null for a generator that only describes its settings (it cannot generate) */
    public LatentGenerator(Generator latent, LatentDecoder decoder) {
        this.latent = latent;
        this.decoder = decoder;
    }

    @Override
    public Sampler.Sample generate(NDArray noise, Conditioning conditioning, Budget budget) {
        if (decoder == null) {
            throw new IllegalStateException("this latent generator describes settings only; load the model to generate");
        }
        Sampler.Sample sample = latent.generate(noise, conditioning, budget);
        NDManager caller = noise.getManager();
        NDArray images;
        try (NDManager scope = caller.newSubManager()) {
            NDArray latents = sample.images();
            latents.tempAttach(scope);
            images = decoder.apply(latents);
            images.attach(caller);
        }
        return new Sampler.Sample(images, sample.nfe());
    }

    @Override
    public Set<Budget.Setting> reads() {
        return latent.reads();
    }

    @Override
    public int nfe(Budget budget) {
        return latent.nfe(budget);
    }

    @Override
    public List<Budget> presets() {
        return latent.presets();
    }

    @Override
    public String describe(Budget budget) {
        return latent.describe(budget) + ", decoded";
    }
}
