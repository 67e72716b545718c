package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The noise-level math that training, distillation and sampling share (Karras et al. 2022, "EDM"): the schedule of
 * Eq. 5, the log-normal training distribution of sigma and the loss weight lambda(sigma) of Table 1.
 *
 * <p>Notation: sigma_min, sigma_max and rho are Eq. 5's range and curvature; P_mean and P_std the mean and standard
 * deviation of ln sigma in training; sigma_d (sigmaData) the standard deviation of the data.
 *
 * <p>The tensor forms that training uses come in two variants that differ only in the type of their scalar operands.
 * DJL turns a Java double into a float64 0-d tensor and a float into a float32 one; whether the two round alike is
 * the engine's choice, not a contract. The EDM loss has always passed doubles, SiD's losses floats, and both kinds of
 * run resume bit-exactly from checkpoints, so each keeps the operations it was trained with instead of sharing one.
 */
public final class NoiseLevels {
    /** EDM's sampling range and schedule curvature (Table 1), shared by the samplers and SiD's generator sigma_t. */
    public static final double SIGMA_MIN = 0.002;
    public static final double SIGMA_MAX = 80;
    public static final double RHO = 7;

    private NoiseLevels() {}

    /**
     * Eq. 5 at a position along the schedule: sigma = (sigma_max^(1/rho) + ramp (sigma_min^(1/rho) -
     * sigma_max^(1/rho)))^rho, with ramp = i / (N - 1) in [0, 1] running from sigma_max (0) down to sigma_min (1).
     */
    public static double karras(double ramp, double sigmaMin, double sigmaMax, double rho) {
        double maxRoot = Math.pow(sigmaMax, 1 / rho);
        double minRoot = Math.pow(sigmaMin, 1 / rho);
        return Math.pow(maxRoot + ramp * (minRoot - maxRoot), rho);
    }

    /** sigma_i, the i-th of Eq. 5's N levels (i = 0 is sigma_max; a schedule of one level is just sigma_max). */
    public static double karrasLevel(int i, int levels, double sigmaMin, double sigmaMax, double rho) {
        double ramp = levels == 1 ? 0 : (double) i / (levels - 1);
        return karras(ramp, sigmaMin, sigmaMax, rho);
    }

    /**
     * The Karras curve in the time of SiD's code: sigma(t) = (sigma_max^(1/rho) + (1 - t) (sigma_min^(1/rho) -
     * sigma_max^(1/rho)))^rho for t in [0, 1], rising from sigma_min at t = 0 to sigma_max at t = 1 (ramp = 1 - t),
     * with EDM's sigma_min, sigma_max and rho.
     */
    public static double karrasAtTime(double t) {
        return karras(1 - t, SIGMA_MIN, SIGMA_MAX, RHO);
    }

    /** {@link #karrasAtTime(double)} elementwise, in float32 scalars (SiD's variant, see the class note). */
    public static NDArray karrasAtTime(NDArray t) {
        double minRoot = Math.pow(SIGMA_MIN, 1 / RHO);
        double maxRoot = Math.pow(SIGMA_MAX, 1 / RHO);
        return t.neg().add(1f).mul((float) (minRoot - maxRoot)).add((float) maxRoot).pow((float) RHO);
    }

    /**
     * A batch of noise levels with ln sigma ~ N(P_mean, P_std^2): sigma = exp(P_mean + P_std n), n ~ N(0, 1) (Table 1,
     * "training"), in float64 scalars (EDM's variant, see the class note).
     */
    public static NDArray logNormal(NDManager manager, long batch, double pMean, double pStd) {
        return manager.randomNormal(new Shape(batch)).mul(pStd).add(pMean).exp();
    }

    /** {@link #logNormal} in float32 scalars (SiD's variant): the same draw of n. */
    public static NDArray logNormalFloat32(NDManager manager, long batch, double pMean, double pStd) {
        return manager.randomNormal(new Shape(batch)).mul((float) pStd).add((float) pMean).exp();
    }

    /**
     * The loss weight lambda(sigma) = (sigma^2 + sigma_d^2) / (sigma sigma_d)^2 (Table 1), 1 / c_out(sigma)^2: it
     * gives the raw network's error unit weight at every sigma. In float64 scalars (EDM's variant).
     */
    public static NDArray lambda(NDArray sigma, double sigmaData) {
        return sigma.square().add(sigmaData * sigmaData).div(sigma.mul(sigmaData).square());
    }

    /** {@link #lambda} in float32 scalars (SiD's variant); sigma_d^2 is formed in double, then rounded. */
    public static NDArray lambdaFloat32(NDArray sigma, double sigmaData) {
        return sigma.square().add((float) (sigmaData * sigmaData)).div(sigma.mul((float) sigmaData).square());
    }
}
