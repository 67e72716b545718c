package dev.fewstep.metrics;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.sample.Sampler;

/**
 * How to sample for an evaluation. A model reads the parts of the budget it has: distilled students ignore sampler,
 * steps and cfg.
 *
 * @param n number of samples
 * @param seed sample i starts from the noise of seed + i, so the same seed gives the same images
 * @param chunk prompts per generation call: bounds memory; fixed, never derived from n, so the same seed gives
 *     the same images whatever n is
 */
public record EvalSettings(String sampler, int steps, double cfg, int n, long seed, int chunk) {
    /**
     * Prompts per generation call by default. A U-Net forward holds all its activations until it returns, about
     * 20 MB per image for the small teacher (twice that with guidance), so 25 prompts peak near 1 GB.
     */
    public static final int DEFAULT_CHUNK = 25;
    /** The largest n; beyond it the n x n distance blocks of precision and recall get slow. */
    public static final int MAX_SAMPLES = 50_000;

    public EvalSettings {
        Sampler.named(sampler);
        if (steps < 1 || steps > GenerateRequest.MAX_STEPS) {
            throw new IllegalArgumentException("--steps must be between 1 and " + GenerateRequest.MAX_STEPS + ", got " + steps);
        }
        if (!(cfg >= 0 && cfg <= GenerateRequest.MAX_CFG)) {
            throw new IllegalArgumentException("--cfg must be between 0 and " + GenerateRequest.MAX_CFG + ", got " + cfg);
        }
        if (n < PrecisionRecall.K + 1 || n > MAX_SAMPLES) {
            throw new IllegalArgumentException("--n must be between " + (PrecisionRecall.K + 1) + " and " + MAX_SAMPLES
                    + ", got " + n);
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("--chunk must be at least 1, got " + chunk);
        }
    }

    public Budget budget() {
        return new Budget(sampler, steps, cfg);
    }
}
