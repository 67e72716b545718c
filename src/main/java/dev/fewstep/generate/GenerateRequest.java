package dev.fewstep.generate;

import dev.fewstep.sample.Sampler;
import dev.fewstep.text.TextEncoder;

/**
 * One generation job. A model reads the parts of its budget it has ({@link Generator#reads()}): a distilled student
 * ignores sampler, steps and cfg.
 *
 * @param seed the first image uses this seed, image i uses seed + i
 * @param n number of images
 * @param negative a negative prompt for guidance's unconditional branch, or null for none
 */
public record GenerateRequest(String prompt, String sampler, int steps, double cfg, long seed, int n, String negative) {
    /** Images per command or request, over all its prompts: memory grows with it. */
    public static final int MAX_IMAGES = 64;
    public static final int MAX_STEPS = 1000;
    public static final double MAX_CFG = 20;
    /**
     * Seeds from 0 to 2^53 - 1, the same for the command line and the server: JavaScript numbers (the page, most
     * JSON clients) hold whole numbers exactly only up to 2^53, so a larger seed could not be given back.
     */
    public static final long MAX_SEED = (1L << 53) - 1;

    public GenerateRequest(String prompt, String sampler, int steps, double cfg, long seed, int n) {
        this(prompt, sampler, steps, cfg, seed, n, null);
    }

    public Budget budget() {
        return new Budget(sampler, steps, cfg);
    }

    /** Checks every field; the message names the field that is wrong. */
    public GenerateRequest validated() {
        try {
            TextEncoder.validate(prompt);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("prompt", e.getMessage());
        }
        if (negative != null) {
            try {
                TextEncoder.validate(negative);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("negative", "negative " + e.getMessage());
            }
        }
        if (sampler == null) {
            throw new InvalidRequestException("sampler", "sampler must be one of: " + String.join(", ", Sampler.NAMES));
        }
        try {
            Sampler.named(sampler);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("sampler", e.getMessage());
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new InvalidRequestException("steps", "steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        requireImageCount(1, n);
        if (seed < 0 || seed > MAX_SEED) {
            throw new InvalidRequestException("seed", "seed must be between 0 and " + MAX_SEED + ", got " + seed);
        }
        if (!(cfg >= 0 && cfg <= MAX_CFG)) {
            throw new InvalidRequestException("cfg", "cfg must be between 0 and " + MAX_CFG + ", got " + cfg);
        }
        return this;
    }

    /**
     * The image cap holds for the whole command or request: {@code prompts} rows of {@code n} images each.
     *
     * @throws InvalidRequestException naming "n"
     */
    public static void requireImageCount(int prompts, int n) {
        if (n < 1 || n > MAX_IMAGES) {
            throw new InvalidRequestException("n", "n must be between 1 and " + MAX_IMAGES + ", got " + n);
        }
        if ((long) prompts * n > MAX_IMAGES) {
            throw new InvalidRequestException("n", prompts + " prompts x n " + n + " = " + (long) prompts * n
                    + " images; at most " + MAX_IMAGES + " are allowed at once");
        }
    }
}
