package dev.fewstep.sample;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Denoiser;

/**
 * EDM's deterministic second-order sampler (Karras et al. 2022, Algorithm 1): an Euler step, then a
 * trapezoidal correction with the slope at the end point, except on the last step to sigma = 0.
 * N steps cost 2N - 1 network evaluations.
 */
public final class HeunSampler implements Sampler {

    @Override
    public Sample sample(Denoiser denoiser, NDArray noise, Schedule schedule, Guidance guidance) {
        NDArray x = noise.mul(schedule.sigma(0));
        int nfe = 0;
        for (int i = 0; i < schedule.steps(); i++) {
            double sigma = schedule.sigma(i);
            double next = schedule.sigma(i + 1);
            NDArray slope = x.sub(guidance.denoise(denoiser, x, sigma)).div(sigma);
            nfe++;
            NDArray euler = x.add(slope.mul(next - sigma));
            if (next == 0) {
                x = euler;
            } else {
                NDArray slopeNext =
                        euler.sub(guidance.denoise(denoiser, euler, next)).div(next);
                nfe++;
                x = x.add(slope.add(slopeNext).mul(0.5 * (next - sigma)));
            }
        }
        return new Sample(x, nfe);
    }

    @Override
    public int nfe(int steps) {
        return 2 * steps - 1;
    }

    @Override
    public int stepsForNfe(int nfe) {
        return Math.max(1, (nfe + 1) / 2);
    }

    @Override
    public String name() {
        return "heun";
    }
}
