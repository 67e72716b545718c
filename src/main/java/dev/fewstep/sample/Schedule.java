package dev.fewstep.sample;

import dev.fewstep.diffusion.NoiseLevels;
import java.util.Arrays;

/**
 * Noise levels sigma_0 > sigma_1 > ... > sigma_{N-1} > sigma_N = 0 that a sampler walks down.
 * N is the number of steps.
 */
public record Schedule(double[] sigmas) {
    public static final double SIGMA_MIN = NoiseLevels.SIGMA_MIN;
    public static final double SIGMA_MAX = NoiseLevels.SIGMA_MAX;
    public static final double RHO = NoiseLevels.RHO;

    public Schedule {
        if (sigmas.length < 2 || sigmas[sigmas.length - 1] != 0) {
            throw new IllegalArgumentException("a schedule needs at least one step and must end at sigma = 0");
        }
    }

    /**
     * Karras et al. 2022, Eq. 5: sigma_i = (smax^(1/rho) + i/(N-1) (smin^(1/rho) - smax^(1/rho)))^rho for
     * i < N, then sigma_N = 0 ({@link NoiseLevels#karrasLevel}).
     */
    public static Schedule karras(int steps, double sigmaMin, double sigmaMax, double rho) {
        requirePositive(steps);
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            s[i] = NoiseLevels.karrasLevel(i, steps, sigmaMin, sigmaMax, rho);
        }
        return new Schedule(s);
    }

    public static Schedule karras(int steps) {
        return karras(steps, SIGMA_MIN, SIGMA_MAX, RHO);
    }

    /**
     * DDIM's discretisation (Song et al. 2021): timesteps evenly spaced over the T = 1000 steps of the DDPM
     * linear-beta schedule (beta from 1e-4 to 0.02), "trailing" so the first step starts at t = T (Lin et al.
     * 2024, Table 2), mapped to sigma_t = sqrt((1 - alphaBar_t) / alphaBar_t) and clipped to [SIGMA_MIN, SIGMA_MAX]
     * (the range the denoiser was trained on).
     */
    public static Schedule ddimUniform(int steps) {
        requirePositive(steps);
        int trainSteps = 1000;
        double[] alphaBar = new double[trainSteps];
        double product = 1;
        for (int t = 0; t < trainSteps; t++) {
            double beta = 1e-4 + (0.02 - 1e-4) * t / (trainSteps - 1);
            product *= 1 - beta;
            alphaBar[t] = product;
        }
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            int t = (int) Math.round(trainSteps - (double) i * trainSteps / steps) - 1;
            double sigma = Math.sqrt((1 - alphaBar[t]) / alphaBar[t]);
            s[i] = Math.min(SIGMA_MAX, Math.max(SIGMA_MIN, sigma));
        }
        return new Schedule(s);
    }

    public int steps() {
        return sigmas.length - 1;
    }

    public double sigma(int i) {
        return sigmas[i];
    }

    private static void requirePositive(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }

    @Override
    public String toString() {
        return "Schedule" + Arrays.toString(sigmas);
    }
}
