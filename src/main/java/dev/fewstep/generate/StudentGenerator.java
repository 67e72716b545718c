package dev.fewstep.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.sample.Sampler;
import java.util.List;
import java.util.Set;

/**
 * A distilled k-step generator with its own noise levels sigma_0 > ... > sigma_{k-1}: x = sigma_0 z, then for each
 * level x_0 = D(x; sigma_i) and, before the next one, x = x_0 + sigma_{i+1} (x - x_0) / sigma_i, re-noising along
 * the predicted noise as DDIM does. With k = 1 this is SiD's G(z) = D(sigma_init z; sigma_init). Guidance is
 * distilled into the network, so the budget's sampler, steps and scale are not read.
 */
public final class StudentGenerator implements Generator {
    private final Denoiser denoiser;
    private final double[] sigmas;

    public StudentGenerator(Denoiser denoiser, List<Double> sigmas) {
        if (sigmas.isEmpty() || sigmas.size() > 4) {
            throw new IllegalArgumentException("a student evaluates at 1 to 4 noise levels, got " + sigmas);
        }
        this.denoiser = denoiser;
        this.sigmas = sigmas.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** @param noise (B, C, H, W) unit Gaussian z; returns the images, unclipped */
    public NDArray sample(NDArray noise, Conditioning conditioning) {
        long batch = noise.getShape().get(0);
        NDArray x = noise.mul(sigmas[0]);
        NDArray denoised = null;
        for (int i = 0; i < sigmas.length; i++) {
            denoised = denoiser.denoise(x, noise.getManager().full(new Shape(batch), (float) sigmas[i]), conditioning);
            if (i + 1 < sigmas.length) {
                x = denoised.add(x.sub(denoised).mul(sigmas[i + 1] / sigmas[i]));
            }
        }
        return denoised;
    }

    @Override
    public Sampler.Sample generate(NDArray noise, Conditioning conditioning, Budget budget) {
        return new Sampler.Sample(sample(noise, conditioning), sigmas.length);
    }

    @Override
    public Set<Budget.Setting> reads() {
        return Set.of();
    }

    @Override
    public int nfe(Budget budget) {
        return sigmas.length;
    }

    @Override
    public List<Budget> presets() {
        return List.of(new Budget(null, sigmas.length, 1.0));
    }

    @Override
    public String describe(Budget budget) {
        return sigmas.length == 1 ? "1 step" : sigmas.length + " steps";
    }
}
