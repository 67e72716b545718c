package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.fewstep.nn.NativeMemory;

/**
 * The encoder's posterior q(z | x) = N(μ, diag σ²), read from its (B, 2C, h, w) output: the first C channels are μ, the
 * last C are log σ², clipped to [-30, 20] as in LDM's code so exp never overflows.
 */
public final class DiagonalGaussian {
    private final NDArray mean;
    private final NDArray logVariance;

    DiagonalGaussian(NDArray moments) {
        NDList parts = moments.split(2, 1);
        this.mean = parts.get(0);
        this.logVariance = parts.get(1).clip(-30, 20);
    }

    public NDArray mean() {
        return mean;
    }

    public NDArray logVariance() {
        return logVariance;
    }

    /** z = μ + σ ε with ε unit Gaussian noise of μ's shape: the reparameterisation, differentiable in μ and σ. */
    public NDArray sample(NDArray epsilon) {
        return mean.add(NativeMemory.times(logVariance, 0.5).exp().mul(epsilon));
    }

    /**
     * KL(q(z | x) || N(0, I)) per latent element, averaged over the batch and the elements:
     * ½ (μ² + σ² − 1 − log σ²).
     */
    public NDArray kl() {
        NDArray perElement = mean.square().add(logVariance.exp()).sub(logVariance);
        return NativeMemory.times(NativeMemory.plus(perElement, -1), 0.5).mean();
    }
}
