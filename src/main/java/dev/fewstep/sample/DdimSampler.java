package dev.fewstep.sample;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Denoiser;

/**
 * Deterministic DDIM (Song et al. 2021, Eq. 12 with eta = 0). In the scaled variable x / sqrt(alphaBar) that
 * an EDM denoiser works in, the update x_{t-1} = sqrt(alphaBar_{t-1}) x0 + sqrt(1 - alphaBar_{t-1}) eps becomes
 * x' = x0 + sigma' eps with eps = (x - x0) / sigma: re-noise the prediction along the predicted noise. What
 * sets DDIM apart from Euler here is its schedule, uniform in DDPM time ({@link Schedule#ddimUniform}).
 */
public final class DdimSampler implements Sampler {

    @Override
    public Sample sample(Denoiser denoiser, NDArray noise, Schedule schedule, Guidance guidance) {
        NDArray x = noise.mul(schedule.sigma(0));
        for (int i = 0; i < schedule.steps(); i++) {
            double sigma = schedule.sigma(i);
            double next = schedule.sigma(i + 1);
            NDArray predictedData = guidance.denoise(denoiser, x, sigma);
            NDArray predictedNoise = x.sub(predictedData).div(sigma);
            x = predictedData.add(predictedNoise.mul(next));
        }
        return new Sample(x, schedule.steps());
    }

    @Override
    public Schedule schedule(int steps) {
        return Schedule.ddimUniform(steps);
    }

    @Override
    public String name() {
        return "ddim";
    }
}
