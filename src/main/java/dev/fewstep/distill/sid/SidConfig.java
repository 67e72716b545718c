package dev.fewstep.distill.sid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.train.loop.SettingsDiff;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyper-parameters of a Score identity Distillation run (Zhou et al. 2024, arXiv 2404.04057) with Long and Short
 * Guidance (SiD-LSG, arXiv 2406.01561) and, optionally, SiDA's adversarial term (arXiv 2410.14919). Stored as JSON in
 * the student's metadata ({@code extra.sid}) and in the training state, so a resumed run can check that it continues
 * the same distillation. {@link #DEFAULTS} is the one place defaults live; the CLI reads its options' defaults there.
 * Values marked "paper" are those of the authors' public code; the others are adapted to a 2-core CPU budget of a
 * few thousand iterations (docs/distill-sid.md).
 */
public record SidConfig(Loss loss, Lsg guidance, Optimiser optimiser, Run run, Sida sida) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param alpha weight of the ||f_phi - f_psi||^2 term in the generator loss (paper: 1.2 for EDM teachers)
     * @param sigmaInit noise level of the generator's input, G(z) = D_theta(sigmaInit z; sigmaInit) (paper: 2.5)
     * @param tMax largest "time step" of the generator loss's noise levels, in 1/1000 of the Karras schedule from
     *     sigma_min to sigma_max (paper: 800)
     * @param pMean mean of ln sigma in the fake network's denoising score matching (EDM; paper: -1.2)
     * @param pStd standard deviation of ln sigma there (paper: 1.2)
     * @param generatorLossScale the generator loss is summed over pixels and multiplied by this before averaging over
     *     the batch (paper: {@code --lsg 100}); with Adam this only matters against epsilon
     * @param fakeLossScale the same for the fake network's loss (paper: {@code --ls 1})
     */
    public record Loss(double alpha, double sigmaInit, int tMax, double pMean, double pStd, double generatorLossScale,
            double fakeLossScale) {}

    /**
     * Long and short guidance; 1 = none.
     *
     * @param teacher kappa_4, on the teacher's prediction in the generator loss (paper code: 2; ours: 2, the teacher's
     *     own sampling default)
     * @param fakeTrain kappa_1, on the fake network's output while it is trained
     * @param fakeEval kappa_2 = kappa_3, on the fake network's prediction in the generator loss
     * @param promptDropout probability that a prompt of the fake network's update is replaced by the null prompt; used
     *     only when kappa_1 or kappa_2 is not 1, as in the SiD-LSG code (paper: 0.1)
     */
    public record Lsg(double teacher, double fakeTrain, double fakeEval, double promptDropout) {
        /** Whether the fake network's update drops prompts (it needs an unconditional branch for its guidance). */
        public boolean fakeUsesGuidance() {
            return fakeTrain != 1.0 || fakeEval != 1.0;
        }
    }

    /**
     * @param generatorLearningRate Adam step size of the generator (paper: 1e-5 EDM; ours larger at our batch)
     * @param fakeLearningRate Adam step size of the fake score network (same as the generator in the paper)
     * @param beta1 Adam's beta_1 for both networks (paper: 0)
     * @param beta2 Adam's beta_2 (paper: 0.999)
     * @param epsilon Adam's epsilon (paper: 1e-8)
     * @param fakeUpdates fake score network updates per generator update, each on fresh generator samples (paper: 1;
     *     DMD2's two time-scale rule, Yin et al. 2024, uses 5)
     * @param emaHalfLifeImages half-life of the generator's weight average, in images (paper: 500k EDM, 50k SD)
     * @param emaRampup the half-life is at most this fraction of the images seen so far (paper: 0.05)
     */
    public record Optimiser(double generatorLearningRate, double fakeLearningRate, double beta1, double beta2,
            double epsilon, int fakeUpdates, double emaHalfLifeImages, double emaRampup) {}

    /**
     * @param batch generator samples per update, the same for both updates (paper: 256 EDM)
     * @param iterations iterations in total; each is {@code fakeUpdates} fake updates then one generator update
     * @param seed seeds prompts, noise and noise levels of every iteration
     * @param checkpointEvery iterations between checkpoints
     * @param probeEvery iterations between history lines and probes
     * @param generatorWarmupImages images the generator waits at the start while only the fake network trains:
     *     {@link #SIDA_WARMUP_IMAGES} for SiDA, {@link #STUDENT_WARMUP_IMAGES} for data-free SiD started from a
     *     student, none from the teacher
     */
    public record Run(int batch, int iterations, long seed, int checkpointEvery, int probeEvery,
            long generatorWarmupImages) {}

    /**
     * SiDA's adversarial term: the fake network's encoder is a discriminator between diffused training images and
     * generator samples ({@link SidaLoss}).
     *
     * @param matchingAware the discriminator also learns to call real images with another prompt fake (Reed et al.
     *     2016, Section 4.2), so the adversarial term judges whether an image fits its prompt; not in SiDA. May be
     *     switched on or off by a resume
     */
    public record Sida(boolean matchingAware) {}

    /** SiDA's generator warm-up at our scale: 100 iterations of 16 images (the paper's code waits 100 000 images). */
    public static final long SIDA_WARMUP_IMAGES = 1_600;
    /** Data-free SiD from a student: 1000 iterations of 16 images, while the fake network learns the student's samples. */
    public static final long STUDENT_WARMUP_IMAGES = 16_000;

    /** The paper's method with settings adapted to our scale; data-free. */
    public static final SidConfig DEFAULTS = new SidConfig(
            new Loss(1.2, 2.5, 800, -1.2, 1.2, 100, 1),
            new Lsg(2.0, 2.0, 2.0, 0.1),
            new Optimiser(5e-5, 5e-5, 0.0, 0.999, 1e-8, 1, 50_000, 0.05),
            new Run(16, 2000, 1, 100, 100, 0),
            null);

    public boolean adversarial() {
        return sida != null;
    }

    public boolean matchingAware() {
        return sida != null && sida.matchingAware();
    }

    /** Rejects settings the distiller cannot run with, naming the option. */
    public SidConfig validated() {
        List<String> errors = new ArrayList<>();
        if (!(loss.sigmaInit > 0 && loss.sigmaInit <= 80)) errors.add("sigma-init must be in (0, 80]");
        if (loss.tMax < 1 || loss.tMax > 1000) errors.add("t-max must be between 1 and 1000");
        if (!(loss.pStd > 0)) errors.add("the log-normal sigma spread must be positive");
        if (!Double.isFinite(loss.alpha)) errors.add("alpha must be a number");
        if (!(loss.generatorLossScale > 0 && loss.fakeLossScale > 0)) errors.add("loss scales must be positive");
        for (double scale : new double[] {guidance.teacher, guidance.fakeTrain, guidance.fakeEval}) {
            if (!(scale >= 0 && scale <= 20)) {
                errors.add("guidance scales must be between 0 and 20");
                break;
            }
        }
        if (!(guidance.promptDropout >= 0 && guidance.promptDropout < 1)) errors.add("prompt dropout must be in [0, 1)");
        if (!(optimiser.generatorLearningRate > 0 && optimiser.generatorLearningRate < 1)) errors.add("generator learning rate must be in (0, 1)");
        if (!(optimiser.fakeLearningRate > 0 && optimiser.fakeLearningRate < 1)) errors.add("fake learning rate must be in (0, 1)");
        if (!(optimiser.beta1 >= 0 && optimiser.beta1 < 1 && optimiser.beta2 > 0 && optimiser.beta2 < 1 && optimiser.epsilon > 0)) errors.add("Adam betas must be in [0, 1)");
        if (!(optimiser.emaHalfLifeImages >= 0 && optimiser.emaRampup >= 0)) errors.add("EMA half-life and ramp-up must not be negative");
        if (optimiser.fakeUpdates < 1 || optimiser.fakeUpdates > 16) errors.add("fake updates per generator update must be between 1 and 16");
        if (run.batch < 1 || run.batch > 1024) errors.add("batch must be between 1 and 1024");
        if (run.iterations < 1) errors.add("iterations must be at least 1");
        if (run.checkpointEvery < 1 || run.probeEvery < 1) errors.add("checkpoint and probe intervals must be at least 1");
        if (run.generatorWarmupImages < 0) errors.add("the generator warm-up must not be negative");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return this;
    }

    /**
     * What keeps a run with this config from continuing one saved with {@code saved}, "path saved -> asked" (empty if
     * nothing does). The length of the run, the checkpoint and probe intervals, the two learning rates and the
     * matching-aware discriminator may change (the metadata records when each changed); nothing else may.
     */
    public String differencesFrom(SidConfig saved) {
        Optimiser o = saved.optimiser;
        SidConfig resumable = new SidConfig(saved.loss, saved.guidance,
                new Optimiser(optimiser.generatorLearningRate, optimiser.fakeLearningRate, o.beta1, o.beta2, o.epsilon,
                        o.fakeUpdates, o.emaHalfLifeImages, o.emaRampup),
                new Run(saved.run.batch, run.iterations, saved.run.seed, run.checkpointEvery, run.probeEvery,
                        saved.run.generatorWarmupImages),
                saved.sida == null || sida == null ? saved.sida : sida);
        return SettingsDiff.between(resumable, this);
    }

    public String toJson() {
        return Json.write(this);
    }

    /** Reads the JSON of {@link #toJson}, or the flat form that students distilled before the sections existed. */
    public static SidConfig fromJson(String json, String source) {
        try {
            JsonNode node = JSON.readTree(json);
            return JSON.treeToValue(node.has("alpha") ? sectioned((ObjectNode) node) : node, SidConfig.class);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new CheckpointException(source + " has corrupt SiD settings: " + e.getMessage(), e);
        }
    }

    /** The flat form's fields put into their sections. */
    private static JsonNode sectioned(ObjectNode flat) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode loss = out.putObject("loss");
        for (String f : List.of("alpha", "sigmaInit", "tMax", "pMean", "pStd", "generatorLossScale", "fakeLossScale")) {
            loss.set(f, flat.get(f));
        }
        ObjectNode guidance = out.putObject("guidance");
        guidance.set("teacher", flat.get("guidanceTeacher"));
        guidance.set("fakeTrain", flat.get("guidanceFakeTrain"));
        guidance.set("fakeEval", flat.get("guidanceFakeEval"));
        guidance.set("promptDropout", flat.get("promptDropout"));
        ObjectNode optimiser = out.putObject("optimiser");
        for (String f : List.of("generatorLearningRate", "fakeLearningRate", "beta1", "beta2", "epsilon", "emaHalfLifeImages", "emaRampup")) {
            optimiser.set(f, flat.get(f));
        }
        optimiser.put("fakeUpdates", flat.path("fakeUpdates").asInt(1) == 0 ? 1 : flat.path("fakeUpdates").asInt(1));
        ObjectNode run = out.putObject("run");
        for (String f : List.of("batch", "iterations", "seed", "checkpointEvery", "probeEvery")) {
            run.set(f, flat.get(f));
        }
        run.put("generatorWarmupImages", flat.path("generatorWarmupImages").asLong(flat.path("adversarialWarmupImages").asLong(0)));
        if (flat.path("adversarial").asBoolean(false)) {
            out.putObject("sida").put("matchingAware", flat.path("matchingAware").asBoolean(false));
        }
        return out;
    }
}
