package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * D(x; sigma): the minimum-mean-squared-error estimate of the clean image given a noisy one (Karras et al.
 * 2022, "EDM", Eq. 2). Samplers, distillation losses and the server only see this interface.
 */
public interface Denoiser {

    /**
     * @param x (B, C, H, W) noisy images, x = y + sigma * n
     * @param sigma (B) noise level of each image
     * @param conditioning the prompts
     * @return (B, C, H, W) the denoised estimate of y
     */
    NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning);

    int imageChannels();

    int imageSize();
}
