package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.diffusion.NoiseLevels;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.sample.Guidance;
import dev.fewstep.train.loop.Objective;

/**
 * The two objectives of Score identity Distillation (Zhou et al., ICML 2024, arXiv 2404.04057, Section 4) with the
 * guidance of SiD-LSG (arXiv 2406.01561, Section 3), in the form of the authors' public code
 * ({@code training/sid_loss.py}: {@code SID_EDMLoss.generator_loss} and {@code __call__};
 * SiD-LSG {@code sid_training_loop.py}).
 *
 * <p>Notation: x_g = G_theta(z) a generator sample, x_t = x_g + sigma_t epsilon, f_phi(x_t) the teacher's denoised
 * estimate (its score via Tweedie: grad log p(x_t) = (f_phi(x_t) - x_t) / sigma_t^2), f_psi(x_t) the fake network's
 * estimate of the generator distribution's denoiser.
 *
 * <ul>
 *   <li>Fake score network (paper Eq. for the "fake score" DSM loss, the EDM objective on generator samples): <br>
 *       L_psi = E_{sigma, epsilon} lambda(sigma) || f_psi(x_g + sigma epsilon; sigma) - x_g ||^2 with x_g detached,
 *       ln sigma ~ N(P_mean, P_std^2), lambda(sigma) = (sigma^2 + sigma_d^2) / (sigma sigma_d)^2. With LSG the guided
 *       output f_psi^{kappa_1} = f_psi(.|null) + kappa_1 (f_psi(.|c) - f_psi(.|null)) is what is fitted.
 *   <li>Generator (the paper's fused loss, L_theta^(2) - alpha L_theta^(1) with the model-based score-matching loss
 *       L^(2) = ||f_phi - f_psi||^2 rewritten through the score identities; the code's form): <br>
 *       L_theta = omega(t) [ (f_phi - f_psi)^T (f_phi - x_g) - alpha ||f_phi - f_psi||^2 ] <br>
 *       = omega(t) [ (1 - alpha) ||f_phi - f_psi||^2 + (f_phi - f_psi)^T (f_psi - x_g) ], <br>
 *       omega(t) = 1 / mean_pixels |x_g - f_phi(x_t)| evaluated without gradient (the per-sample normalisation),
 *       sigma_t from the Karras et al. schedule at a uniform position in [0, t_max/1000]. Gradients flow into
 *       theta through x_g and through both networks' inputs x_t; neither network's weights get gradients. With LSG
 *       f_phi is guided with kappa_4 and f_psi with kappa_2 = kappa_3.
 * </ul>
 *
 * <p>Constants that multiply differentiated tensors are native 0-d arrays ({@link NativeMemory#times}), not Java
 * numbers: DJL's {@code mul(Number)} is not safe against garbage collection between forward and backward.
 *
 * <p>Reductions follow the code: sum over pixels, times the loss scale, mean over the batch. The values reported
 * for logs are per-pixel means (readable across image sizes); only the backward objective carries the scale.
 */
public final class SidLoss {
    /** The Karras et al. (2022) schedule SiD's code draws sigma_t from: EDM's, the teacher's training range. */
    public static final double SIGMA_MIN = NoiseLevels.SIGMA_MIN;
    public static final double SIGMA_MAX = NoiseLevels.SIGMA_MAX;
    public static final double RHO = NoiseLevels.RHO;
    /** omega(t)'s denominator is clipped below at this (as in the code), so a perfect sample cannot divide by 0. */
    public static final double MIN_NORMALIZER = 1e-5;

    private final SidConfig config;
    private final double sigmaData;

    public SidLoss(SidConfig config, double sigmaData) {
        this.config = config;
        this.sigmaData = sigmaData;
    }

    /**
     * A loss to back-propagate, the value to report and, for SiDA ({@link SidaLoss}), the plain binary cross entropy
     * of its adversarial part averaged over logits (ln 2 = 0.693 when the discriminator cannot tell); NaN for SiD.
     * With the matching-aware discriminator the fake update also reports its cross entropy on real images paired with
     * other prompts (labelled fake; ln 2 while the discriminator ignores the prompt), else NaN.
     */
    public record Value(NDArray objective, double reported, double crossEntropy, double mismatchedCrossEntropy)
            implements Objective {
        public Value(NDArray objective, double reported) {
            this(objective, reported, Double.NaN);
        }

        public Value(NDArray objective, double reported, double crossEntropy) {
            this(objective, reported, crossEntropy, Double.NaN);
        }
    }

    /**
     * sigma_t for the generator loss: t ~ U(0, t_max / 1000) on the Karras curve ({@link NoiseLevels#karrasAtTime}),
     * so t = 0 is sigma_min and t_max = 800 reaches ~24.4.
     */
    public NDArray sampleGeneratorSigma(NDManager manager, long batch) {
        NDArray t = manager.randomUniform(0f, (float) (config.loss().tMax() / 1000.0), new Shape(batch));
        return NoiseLevels.karrasAtTime(t);
    }

    /** sigma for the fake network's denoising score matching: the EDM log-normal ({@link NoiseLevels#logNormal}). */
    public NDArray sampleFakeSigma(NDManager manager, long batch) {
        return NoiseLevels.logNormalFloat32(manager, batch, config.loss().pMean(), config.loss().pStd());
    }

    /** The largest sigma_t the generator loss can draw. */
    public double maxGeneratorSigma() {
        return NoiseLevels.karrasAtTime(config.loss().tMax() / 1000.0);
    }

    /**
     * The fake score network's loss on generator samples.
     *
     * @param generated x_g, without gradient
     * @param sigma (B) noise levels, e.g. from {@link #sampleFakeSigma}
     * @param noise unit Gaussian noise shaped like x_g
     */
    public Value fakeLoss(Denoiser fake, NDArray generated, Conditioning conditioning, NDArray sigma, NDArray noise) {
        NDArray target = generated.stopGradient();
        NDArray noisy = target.add(noise.mul(sigma.reshape(-1, 1, 1, 1)));
        NDArray denoised = new Guidance(conditioning, config.guidance().fakeTrain()).denoise(fake, noisy, sigma);
        return scoreMatching(denoised, target, sigma);
    }

    /** lambda(sigma) = (sigma^2 + sigma_d^2) / (sigma sigma_d)^2, the EDM loss weight, (B). */
    NDArray scoreMatchingWeight(NDArray sigma) {
        return NoiseLevels.lambdaFloat32(sigma, sigmaData);
    }

    /** lambda(sigma) ||denoised - target||^2 summed over pixels, mean over the batch, times the fake loss scale. */
    Value scoreMatching(NDArray denoised, NDArray target, NDArray sigma) {
        long batch = target.getShape().get(0);
        NDArray perSampleSum = denoised.sub(target).square().reshape(batch, -1).sum(new int[] {1})
                .mul(scoreMatchingWeight(sigma));
        long pixels = target.size() / batch;
        NDArray objective = NativeMemory.times(perSampleSum.mean(), config.loss().fakeLossScale());
        return new Value(objective, perSampleSum.mean().getFloat() / pixels);
    }

    /**
     * The generator's loss. Call it inside a gradient collector with the generator trainable and the teacher and
     * the fake network frozen.
     *
     * @param generated x_g = G_theta(z), with gradient
     * @param sigma (B) sigma_t, e.g. from {@link #sampleGeneratorSigma}
     * @param noise unit Gaussian epsilon shaped like x_g
     */
    public Value generatorLoss(Denoiser teacher, Denoiser fake, NDArray generated, Conditioning conditioning,
            NDArray sigma, NDArray noise) {
        NDArray noisy = generated.add(noise.mul(sigma.reshape(-1, 1, 1, 1)));
        NDArray real = new Guidance(conditioning, config.guidance().teacher()).denoise(teacher, noisy, sigma); // f_phi
        NDArray fakePrediction = new Guidance(conditioning, config.guidance().fakeEval()).denoise(fake, noisy, sigma); // f_psi
        return identityLoss(real, fakePrediction, generated, normalizer(generated, real));
    }

    /** omega(t)'s denominator: per-sample mean |x_g - f_phi|, a constant for the gradient, (B, 1, 1, 1). */
    NDArray normalizer(NDArray generated, NDArray real) {
        long batch = generated.getShape().get(0);
        return generated.sub(real).abs().reshape(batch, -1).mean(new int[] {1})
                .stopGradient().maximum((float) MIN_NORMALIZER).reshape(-1, 1, 1, 1);
    }

    /** The fused SiD generator loss from the two predictions, summed over pixels, times the loss scale. */
    Value identityLoss(NDArray real, NDArray fakePrediction, NDArray generated, NDArray normalizer) {
        long batch = generated.getShape().get(0);
        NDArray difference = real.sub(fakePrediction); // f_phi - f_psi
        NDArray perPixel = difference.mul(real.sub(generated).sub(NativeMemory.times(difference, config.loss().alpha()))).div(normalizer);
        NDArray perSampleSum = perPixel.reshape(batch, -1).sum(new int[] {1});
        NDArray objective = NativeMemory.times(perSampleSum.mean(), config.loss().generatorLossScale());
        long pixels = generated.size() / batch;
        return new Value(objective, perSampleSum.mean().getFloat() / pixels);
    }
}
