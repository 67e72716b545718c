package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.sample.Guidance;

/**
 * Adversarial Score identity Distillation, SiDA (Zhou et al. 2024, "Adversarial Score identity Distillation: Rapidly
 * Surpassing the Teacher in One Step", arXiv 2410.14919, Section 3), in the form of the authors' public code
 * ({@code SIDA_EDMLoss.fakescore_discriminator_share_encoder_loss} and {@code generator_share_encoder_loss}, and the
 * weighting in their training loop).
 *
 * <p>The discriminator has no parameters of its own: it is the fake score network's encoder, its lowest-resolution
 * features averaged over channels ({@link dev.fewstep.nn.UNet#encoderLogits}), applied to noisy images. Real training
 * images x_r and generator samples x_g are diffused with the same sigma and the same noise epsilon.
 *
 * <ul>
 *   <li>Fake network and discriminator, one loss: L_psi = L_DSM + E_b[lambda(sigma_b)] (BCE(D(x_r + sigma epsilon), 1)
 *       + BCE(D(x_g + sigma epsilon), 0)) / 2, with BCE averaged over logits and batch, lambda the EDM weight and
 *       sigma from the EDM log-normal (the DSM term is {@link SidLoss#fakeLoss}'s).
 *   <li>Generator: L_theta = (L_SiD + L_adv) / 2 with L_adv = E_b[C H W BCE(clip(D(x_g + sigma_t epsilon), -10, 10), 1)
 *       / n_b], n_b the SiD normaliser (the denominator of omega(t)), D evaluated by the frozen fake network in the
 *       same pass as its prediction f_psi (gradients reach theta through x_g). Before the adversarial warm-up the
 *       generator loss is L_SiD alone.
 * </ul>
 *
 * <p>Deviation, named: the code's warm-ups (the generator waits 100k images, the adversarial generator term 200k) are
 * scaled to our run lengths: {@link SidConfig.Run#generatorWarmupImages()} and twice that. With guidance on
 * the fake network (kappa_1 or kappa_2 not 1) the logits come from a separate encoder pass on the conditional
 * prompts; without it (our runs) from the same pass as the prediction.
 */
public final class SidaLoss {
    /** The generator's logits are clipped to [-LOGIT_CLIP, LOGIT_CLIP] (as in the code). */
    public static final float LOGIT_CLIP = 10;

    private final SidConfig config;
    private final SidLoss sid;

    public SidaLoss(SidConfig config, SidLoss sid) {
        this.config = config;
        this.sid = sid;
    }

    /**
     * The fake score network's DSM loss on generator samples plus the discriminator loss against real images.
     *
     * <p>With {@code mismatched} prompts (the matching-aware discriminator, {@link SidConfig#matchingAware()}) the
     * fake half of the cross entropy is shared between the generator samples and the real images paired with other
     * prompts, as in Reed et al. (2016, Algorithm 1): (BCE(D(x_r, c), 1) + (BCE(D(x_g, c), 0) + BCE(D(x_r, c'), 0)) / 2)
     * / 2. One more encoder pass on the real images.
     *
     * @param generated x_g, without gradient
     * @param realImages x_r, training images for the same prompts
     * @param mismatched for each real image a prompt other than its own, or null without the matching-aware term
     * @param sigma (B) from {@link SidLoss#sampleFakeSigma}
     * @param noise unit Gaussian noise, shared by all diffused batches
     */
    public SidLoss.Value fakeLoss(EdmDenoiser fake, NDArray generated, NDArray realImages, Conditioning conditioning,
            Conditioning mismatched, NDArray sigma, NDArray noise) {
        NDArray target = generated.stopGradient();
        NDArray scaledNoise = noise.mul(sigma.reshape(-1, 1, 1, 1));
        Prediction prediction = predict(fake, target.add(scaledNoise), sigma, conditioning, config.guidance().fakeTrain());
        SidLoss.Value scoreMatching = sid.scoreMatching(prediction.denoised(), target, sigma);
        NDArray noisyReal = realImages.add(scaledNoise);
        NDArray realLogits = fake.logits(noisyReal, sigma, conditioning);
        NDArray fakeEntropy = Activation.softPlus(prediction.logits()).mean();
        double mismatchedEntropy = Double.NaN;
        if (mismatched != null) {
            NDArray mismatchedLogits = fake.logits(noisyReal, sigma, mismatched);
            NDArray mismatchedMean = Activation.softPlus(mismatchedLogits).mean();
            mismatchedEntropy = mismatchedMean.getFloat();
            fakeEntropy = NativeMemory.times(fakeEntropy.add(mismatchedMean), 0.5);
        }
        NDArray crossEntropy = NativeMemory.times(Activation.softPlus(realLogits.neg()).mean().add(fakeEntropy), 0.5);
        NDArray discriminator = crossEntropy.mul(sid.scoreMatchingWeight(sigma).mean());
        return new SidLoss.Value(scoreMatching.objective().add(discriminator), scoreMatching.reported(),
                crossEntropy.getFloat(), mismatchedEntropy);
    }

    /**
     * The generator's loss: SiD's, and after the warm-up the adversarial term, averaged.
     *
     * @param imagesSeen images the generator has been trained on before this update (for the warm-up)
     */
    public SidLoss.Value generatorLoss(Denoiser teacher, EdmDenoiser fake, NDArray generated, Conditioning conditioning,
            NDArray sigma, NDArray noise, long imagesSeen) {
        NDArray noisy = generated.add(noise.mul(sigma.reshape(-1, 1, 1, 1)));
        NDArray real = new Guidance(conditioning, config.guidance().teacher()).denoise(teacher, noisy, sigma); // f_phi
        Prediction prediction = predict(fake, noisy, sigma, conditioning, config.guidance().fakeEval()); // f_psi and D
        NDArray normalizer = sid.normalizer(generated, real);
        SidLoss.Value identity = sid.identityLoss(real, prediction.denoised(), generated, normalizer);
        long batch = generated.getShape().get(0);
        long pixels = generated.size() / batch;
        NDArray crossEntropy = Activation.softPlus(prediction.logits().clip(-LOGIT_CLIP, LOGIT_CLIP).neg()).mean();
        NDArray adversarial = NativeMemory.times(crossEntropy.div(normalizer.reshape(-1)).mean(), pixels);
        if (imagesSeen < 2 * config.run().generatorWarmupImages()) {
            return new SidLoss.Value(identity.objective(), identity.reported(), crossEntropy.getFloat());
        }
        NDArray objective = NativeMemory.times(identity.objective().add(adversarial), 0.5);
        return new SidLoss.Value(objective, identity.reported(), crossEntropy.getFloat());
    }

    private record Prediction(NDArray denoised, NDArray logits) {}

    /** f_psi guided with {@code scale}, and the discriminator logits for the (conditional) prompts. */
    private static Prediction predict(EdmDenoiser fake, NDArray noisy, NDArray sigma, Conditioning conditioning,
            double scale) {
        if (scale == 1.0) {
            EdmDenoiser.DenoisedWithLogits both = fake.denoiseWithLogits(noisy, sigma, conditioning);
            return new Prediction(both.denoised(), both.logits());
        }
        NDArray denoised = new Guidance(conditioning, scale).denoise(fake, noisy, sigma);
        return new Prediction(denoised, fake.logits(noisy, sigma, conditioning));
    }
}
