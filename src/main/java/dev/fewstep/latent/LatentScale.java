package dev.fewstep.latent;

/**
 * The latents' scale factor s (Rombach et al. 2022, Section 4.3.2 and Appendix G): the diffusion model sees s·z, with
 * s = 1 / std(z) over every element of the encoded training set, so its data have unit variance as EDM's σ_data = 0.5
 * preconditioning expects of [-1, 1] pixels; the decoder gets z = (s·z) / s back.
 */
public record LatentScale(double scale) {

    public LatentScale {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("a latent scale must be positive and finite, not " + scale);
        }
    }

    /** s = 1 / std(z), the standard deviation about the mean (the mean itself is left in, as in LDM). */
    public static LatentScale of(float[] latents) {
        double sum = 0;
        for (float v : latents) {
            sum += v;
        }
        double mean = sum / latents.length;
        double squares = 0;
        for (float v : latents) {
            squares += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(squares / latents.length);
        if (!(std > 0)) {
            throw new IllegalArgumentException("the latents are constant (std " + std + "): the autoencoder is broken");
        }
        return new LatentScale(1 / std);
    }

    /** s·z, a new array. */
    public float[] scaled(float[] latents) {
        float[] out = new float[latents.length];
        for (int i = 0; i < latents.length; i++) {
            out[i] = (float) (latents[i] * scale);
        }
        return out;
    }

    /** z from s·z, a new array. */
    public float[] unscaled(float[] scaledLatents) {
        float[] out = new float[scaledLatents.length];
        for (int i = 0; i < scaledLatents.length; i++) {
            out[i] = (float) (scaledLatents[i] / scale);
        }
        return out;
    }
}
