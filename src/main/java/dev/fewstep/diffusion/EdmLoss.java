package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The EDM training objective (Karras et al. 2022, Eq. 8 with Table 1's choices):
 * E_{sigma, y, n} [ lambda(sigma) || D(y + sigma n; sigma) - y ||^2 ], ln sigma ~ N(P_mean, P_std^2),
 * lambda(sigma) = (sigma^2 + sigma_data^2) / (sigma sigma_data)^2, which makes the effective weight of the
 * raw network's error one at every noise level.
 */
public record EdmLoss(double pMean, double pStd, double sigmaData) {

    public static EdmLoss paperDefaults() {
        return new EdmLoss(-1.2, 1.2, EdmDenoiser.SIGMA_DATA);
    }

    /** Samples sigma for a batch: log-normal with the paper's P_mean and P_std. */
    public NDArray sampleSigma(NDManager manager, long batch) {
        return NoiseLevels.logNormal(manager, batch, pMean, pStd);
    }

    /** lambda(sigma), see {@link NoiseLevels#lambda}. */
    public NDArray weight(NDArray sigma) {
        return NoiseLevels.lambda(sigma, sigmaData);
    }

    /**
     * @param images clean images y in [-1, 1]
     * @return the mean weighted loss (a scalar)
     */
    public NDArray loss(Denoiser denoiser, NDArray images, Conditioning conditioning) {
        NDManager manager = images.getManager();
        long batch = images.getShape().get(0);
        NDArray sigma = sampleSigma(manager, batch);
        NDArray noise = manager.randomNormal(images.getShape());
        NDArray denoised = denoiser.denoise(images.add(noise.mul(sigma.reshape(-1, 1, 1, 1))), sigma, conditioning);
        NDArray perSample = denoised.sub(images).square().reshape(batch, -1).mean(new int[] {1});
        return perSample.mul(weight(sigma)).mean();
    }
}
