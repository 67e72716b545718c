package dev.fewstep.distill.sid;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyper-parameters of a Score identity Distillation run (Zhou et al. 2024, arXiv 2404.04057) with Long and Short
 * Guidance (SiD-LSG, arXiv 2406.01561). Stored as JSON in the student's metadata ({@code extra.sid}) and in the
 * training state, so a resumed run can check it continues the same distillation.
 *
 * <p>Values marked "paper" are those of the public code (mingyuanzhou/SiD {@code sid_train.py} /
 * {@code sid_training_loop.py}, mingyuanzhou/SiD-LSG {@code run_sid.sh}); the others are adapted to a 2-core CPU
 * budget of a few thousand iterations, see {@code docs/distill-sid.md}.
 *
 * @param alpha weight of the ||f_phi - f_psi||^2 term in the generator loss (paper: 1.2 for EDM teachers)
 * @param sigmaInit noise level the generator's input noise is scaled to, G(z) = D_theta(sigmaInit z; sigmaInit)
 *     (paper: 2.5)
 * @param tMax largest "time step" of the generator loss's noise levels, in 1/1000 of the Karras schedule from
 *     sigma_min to sigma_max (paper: 800, i.e. sigma_t up to ~24.3)
 * @param pMean mean of ln sigma in the fake network's denoising score matching (EDM; paper: -1.2)
 * @param pStd standard deviation of ln sigma there (paper: 1.2)
 * @param guidanceTeacher kappa_4: classifier-free guidance on the teacher's prediction in the generator loss ("long"
 *     guidance). Paper code: 2 for all four kappas in its SD runs; 1 = none. Ours: 2, the teacher's own sampling
 *     default ({@code generate --cfg 2})
 * @param guidanceFakeTrain kappa_1: guidance on the fake network's output while it is trained ("short" guidance)
 * @param guidanceFakeEval kappa_2 = kappa_3: guidance on the fake network's prediction in the generator loss
 * @param promptDropout probability that a prompt of the fake network's update is replaced by the null prompt; used
 *     only when kappa_1 or kappa_2 is not 1, as in the SiD-LSG code (paper: 0.1)
 * @param generatorLearningRate Adam step size of the generator (paper: 1e-5 EDM, 1e-6 SD; ours larger, see note)
 * @param fakeLearningRate Adam step size of the fake score network (same as the generator in the paper)
 * @param beta1 Adam's beta_1 for both networks (paper: 0)
 * @param beta2 Adam's beta_2 (paper: 0.999)
 * @param epsilon Adam's epsilon (paper: 1e-8)
 * @param generatorLossScale the generator loss is summed over pixels and multiplied by this before averaging over
 *     the batch (paper: {@code --lsg 100}); with Adam this only matters against epsilon
 * @param fakeLossScale the same for the fake network's loss (paper: {@code --ls 1})
 * @param emaHalfLifeImages half-life of the generator's weight average, in images (paper: 500k EDM, 50k SD)
 * @param emaRampup the half-life is at most this fraction of the images seen so far (paper: 0.05)
 * @param batch generator samples per update, the same for both updates (paper: 256 EDM, 512 SD)
 * @param fakeUpdates fake score network updates per generator update, each on fresh generator samples (paper: 1;
 *     DMD2's two time-scale rule, Yin et al. 2024, uses 5). Missing in states saved before it existed: reads as 1
 * @param iterations distillation iterations in total; each is {@code fakeUpdates} fake updates then one generator
 *     update
 * @param seed seeds prompts, noise and noise levels of every iteration
 * @param checkpointEvery iterations between checkpoints
 * @param probeEvery iterations between probes (loss log lines, sample statistics, FID if available)
 * @param adversarial SiDA (arXiv 2410.14919): add the adversarial term on real training images, the fake score
 *     network's encoder acting as discriminator (see {@link SidaLoss}); false = data-free SiD. Missing in the JSON of
 *     states saved before SiDA existed, which reads as false.
 * @param generatorWarmupImages images the generator waits at the start while only the fake network trains. SiDA
 *     (the fake network and its discriminator start; the adversarial term joins the generator loss after twice as
 *     many; paper code: 100 000 and 200 000) waits {@link #GENERATOR_WARMUP_IMAGES}; data-free SiD started from
 *     a student (the fake network, started from the teacher, first learns the student's samples) waits
 *     {@link #STUDENT_WARMUP_IMAGES}; SiD from the teacher does not wait. Saved before session 16 as
 *     {@code adversarialWarmupImages}
 * @param matchingAware SiDA only: the discriminator also learns to call real images with another prompt fake (the
 *     matching-aware discriminator of Reed et al. 2016, "Generative Adversarial Text to Image Synthesis", Section
 *     4.2), so that the adversarial term judges whether an image fits its prompt and not only whether it looks real.
 *     Not in SiDA's paper or code. May be switched on or off by {@code --resume}. Missing in older states: false
 */
public record SidConfig(
        double alpha,
        double sigmaInit,
        int tMax,
        double pMean,
        double pStd,
        double guidanceTeacher,
        double guidanceFakeTrain,
        double guidanceFakeEval,
        double promptDropout,
        double generatorLearningRate,
        double fakeLearningRate,
        double beta1,
        double beta2,
        double epsilon,
        double generatorLossScale,
        double fakeLossScale,
        double emaHalfLifeImages,
        double emaRampup,
        int batch,
        int fakeUpdates,
        int iterations,
        long seed,
        int checkpointEvery,
        int probeEvery,
        boolean adversarial,
        @JsonAlias("adversarialWarmupImages") long generatorWarmupImages,
        boolean matchingAware) {

    /** SiDA's generator warm-up at our scale: 100 iterations of 16 images (the paper's code waits 100 000 images). */
    public static final long GENERATOR_WARMUP_IMAGES = 1_600;
    /**
     * Data-free SiD from a student: 1000 iterations of 16 images, where the fake network's DSM loss on the emoji
     * student's samples levelled off (0.42 over the first 50 iterations, 0.35 at 400, 0.33-0.36 from 1000 on).
     */
    public static final long STUDENT_WARMUP_IMAGES = 16_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The paper's method with settings adapted to our scale (see the parameter docs). */
    public static SidConfig defaults() {
        return new SidConfig(1.2, 2.5, 800, -1.2, 1.2, 2.0, 2.0, 2.0, 0.1, 5e-5, 5e-5, 0.0, 0.999, 1e-8, 100, 1,
                50_000, 0.05, 16, 1, 2000, 1, 100, 100, false, 0, false);
    }

    /** Rejects settings the distiller cannot run with, naming the option. */
    public SidConfig validated() {
        List<String> errors = new ArrayList<>();
        if (!(sigmaInit > 0 && sigmaInit <= 80)) errors.add("sigma-init must be in (0, 80]");
        if (tMax < 1 || tMax > 1000) errors.add("t-max must be between 1 and 1000");
        if (!(pStd > 0)) errors.add("the log-normal sigma spread must be positive");
        if (!(guidanceTeacher >= 0 && guidanceTeacher <= 20)) errors.add("guidance scales must be between 0 and 20");
        if (!(guidanceFakeTrain >= 0 && guidanceFakeTrain <= 20)) errors.add("guidance scales must be between 0 and 20");
        if (!(guidanceFakeEval >= 0 && guidanceFakeEval <= 20)) errors.add("guidance scales must be between 0 and 20");
        if (!(promptDropout >= 0 && promptDropout < 1)) errors.add("prompt dropout must be in [0, 1)");
        if (!(generatorLearningRate > 0 && generatorLearningRate < 1)) errors.add("generator learning rate must be in (0, 1)");
        if (!(fakeLearningRate > 0 && fakeLearningRate < 1)) errors.add("fake learning rate must be in (0, 1)");
        if (!(beta1 >= 0 && beta1 < 1 && beta2 > 0 && beta2 < 1 && epsilon > 0)) errors.add("Adam betas must be in [0, 1)");
        if (!(generatorLossScale > 0 && fakeLossScale > 0)) errors.add("loss scales must be positive");
        if (!(emaHalfLifeImages >= 0 && emaRampup >= 0)) errors.add("EMA half-life and ramp-up must not be negative");
        if (!Double.isFinite(alpha)) errors.add("alpha must be a number");
        if (batch < 1 || batch > 1024) errors.add("batch must be between 1 and 1024");
        if (iterations < 1) errors.add("iterations must be at least 1");
        if (fakeUpdates < 1 || fakeUpdates > 16) errors.add("fake updates per generator update must be between 1 and 16");
        if (checkpointEvery < 1 || probeEvery < 1) errors.add("checkpoint and probe intervals must be at least 1");
        if (generatorWarmupImages < 0) errors.add("the generator warm-up must not be negative");
        if (matchingAware && !adversarial) errors.add("the matching-aware discriminator needs the adversarial term (--adversarial)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return this;
    }

    /** Whether the fake network's update drops prompts (it needs an unconditional branch for its guidance). */
    public boolean fakeUsesGuidance() {
        return guidanceFakeTrain != 1.0 || guidanceFakeEval != 1.0;
    }

    public SidConfig withIterations(int n) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, n, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withBatch(int n) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, n, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withFakeUpdates(int n) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, n, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withAlpha(double a) {
        return new SidConfig(a, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withSigmaInit(double s) {
        return new SidConfig(alpha, s, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withTMax(int t) {
        return new SidConfig(alpha, sigmaInit, t, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    /** SiDA on (with the default generator warm-up) or off (with none). */
    public SidConfig withAdversarial(boolean on) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, on,
                on ? GENERATOR_WARMUP_IMAGES : 0, matchingAware);
    }

    public SidConfig withGeneratorWarmup(long images) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial,
                images, matchingAware);
    }

    public SidConfig withMatchingAware(boolean on) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial,
                generatorWarmupImages, on);
    }

    /** kappa_4, kappa_1 and kappa_2 = kappa_3. */
    public SidConfig withGuidance(double teacher, double fakeTrain, double fakeEval) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, teacher, fakeTrain, fakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withLearningRates(double generator, double fake) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generator, fake, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withSeed(long s) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, s, checkpointEvery, probeEvery, adversarial, generatorWarmupImages, matchingAware);
    }

    public SidConfig withIntervals(int checkpoint, int probe) {
        return new SidConfig(alpha, sigmaInit, tMax, pMean, pStd, guidanceTeacher, guidanceFakeTrain, guidanceFakeEval,
                promptDropout, generatorLearningRate, fakeLearningRate, beta1, beta2, epsilon, generatorLossScale,
                fakeLossScale, emaHalfLifeImages, emaRampup, batch, fakeUpdates, iterations, seed, checkpoint, probe, adversarial, generatorWarmupImages, matchingAware);
    }

    /**
     * Whether a run with this config may continue a run saved with {@code saved}: the loss, guidance, batch,
     * optimiser and seed must match; the length of the run, the checkpoint and probe intervals, the two learning
     * rates and the matching-aware discriminator may change (a lower learning rate for the last stretch of a run, a
     * discriminator that starts judging prompts late; the metadata records when each changed).
     */
    public boolean continues(SidConfig saved) {
        return resumable(saved).equals(this);
    }

    /**
     * The settings that keep a run from continuing {@code saved}, "name saved -> asked", e.g. {@code alpha 1.2 -> 1.0},
     * for error messages (what may change is not listed).
     */
    public String differencesFrom(SidConfig saved) {
        var asked = JSON.valueToTree(this);
        var before = JSON.valueToTree(resumable(saved));
        List<String> differences = new ArrayList<>();
        asked.fieldNames().forEachRemaining(name -> {
            if (!asked.get(name).equals(before.get(name))) {
                differences.add(name + " " + before.get(name) + " -> " + asked.get(name));
            }
        });
        return String.join(", ", differences);
    }

    /** {@code saved} with what a resumed run may change taken from this config. */
    private SidConfig resumable(SidConfig saved) {
        return saved.withIterations(iterations).withIntervals(checkpointEvery, probeEvery)
                .withLearningRates(generatorLearningRate, fakeLearningRate).withMatchingAware(matchingAware);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SidConfig fromJson(String json, String source) {
        try {
            SidConfig config = JSON.readValue(json, SidConfig.class);
            return config.fakeUpdates() == 0 ? config.withFakeUpdates(1) : config; // saved before the option existed
        } catch (JsonProcessingException e) {
            throw new CheckpointException(source + " has corrupt SiD settings: " + e.getOriginalMessage(), e);
        }
    }
}
