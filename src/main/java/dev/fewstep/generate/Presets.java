package dev.fewstep.generate;

/**
 * Which sampler settings are worth offering as one-click presets: only those that draw the prompt, not noise.
 *
 * <p>Heun (Karras et al. 2022, Algorithm 1) corrects each Euler step with the slope at its end point. On the
 * rho = 7 schedule a short run starts with one giant step, 80 to 2.5 for 3 steps, and the correction multiplies
 * the difference between the denoiser's outputs at the two noise levels by (sigma_i - sigma_{i+1}) / (2
 * sigma_{i+1}), about 15 there: with guidance, that difference is large. On the fashion teacher, Heun below 7 steps
 * draws noise or the wrong thing, while Euler, DDIM and DPM-Solver++(2M) degrade gracefully (docs/lab/teacher.md).
 */
public final class Presets {
    /** The fewest Heun steps whose samples match the other samplers' (13 NFE). */
    public static final int HEUN_FEWEST_STEPS = 7;

    private Presets() {}

    /** Whether {@code steps} of {@code sampler} make a preset; a one-step model (no sampler) always does. */
    public static boolean worthOffering(String sampler, Integer steps) {
        return !"heun".equals(sampler) || steps == null || steps >= HEUN_FEWEST_STEPS;
    }
}
