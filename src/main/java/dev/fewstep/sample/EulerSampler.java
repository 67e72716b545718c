package dev.fewstep.sample;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Denoiser;

/** First-order Euler steps on the probability-flow ODE (Karras et al. 2022, Eq. 4 with s = 1). */
public final class EulerSampler implements Sampler {

    @Override
    public Sample sample(Denoiser denoiser, NDArray noise, Schedule schedule, Guidance guidance) {
        NDArray x = noise.mul(schedule.sigma(0));
        for (int i = 0; i < schedule.steps(); i++) {
            double sigma = schedule.sigma(i);
            double next = schedule.sigma(i + 1);
            NDArray denoised = guidance.denoise(denoiser, x, sigma);
            NDArray slope = x.sub(denoised).div(sigma);
            x = x.add(slope.mul(next - sigma));
        }
        return new Sample(x, schedule.steps());
    }

    @Override
    public String name() {
        return "euler";
    }
}
