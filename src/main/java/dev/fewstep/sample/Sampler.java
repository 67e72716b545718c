package dev.fewstep.sample;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Denoiser;
import java.util.Locale;

/** Integrates the probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma from sigma_0 down to 0. */
public interface Sampler {

    /**
     * @param noise (B, C, H, W) unit Gaussian noise; the sampler starts from noise * sigma_0
     * @return the images and the number of network evaluations (NFE) spent
     */
    Sample sample(Denoiser denoiser, NDArray noise, Schedule schedule, Guidance guidance);

    /** The schedule this sampler is meant to run with for a given number of steps. */
    default Schedule schedule(int steps) {
        return Schedule.karras(steps);
    }

    /** Network evaluations this sampler spends on {@code steps} steps. */
    default int nfe(int steps) {
        return steps;
    }

    /** The smallest number of steps that spends at least {@code nfe} network evaluations. */
    default int stepsForNfe(int nfe) {
        return Math.max(1, nfe);
    }

    String name();

    record Sample(NDArray images, int nfe) {}

    /** The samplers by their CLI names. */
    static Sampler named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "euler" -> new EulerSampler();
            case "heun" -> new HeunSampler();
            case "ddim" -> new DdimSampler();
            case "dpmpp2m" -> new DpmSolverPlusPlus2M();
            default -> throw new IllegalArgumentException(
                    "unknown sampler '" + name + "' (choose one of: " + String.join(", ", NAMES) + ")");
        };
    }

    java.util.List<String> NAMES = java.util.List.of("euler", "heun", "ddim", "dpmpp2m");
}
