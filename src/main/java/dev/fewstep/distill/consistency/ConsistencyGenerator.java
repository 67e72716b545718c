package dev.fewstep.distill.consistency;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generator;
import dev.fewstep.generate.StudentGenerator;
import dev.fewstep.sample.Sampler;
import dev.fewstep.sample.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Multistep consistency sampling (Song et al. 2023, Algorithm 1) with the budget's step count k = 1 to 4: the
 * consistency function is evaluated at the first k of the Karras schedule's k + 1 levels (sigma_max first; the last
 * level, sigma_min, would return its input), re-noising between levels along the predicted noise
 * ({@link StudentGenerator}) instead of with fresh noise, so that a seed fixes the image.
 */
public final class ConsistencyGenerator implements Generator {
    public static final int MAX_STEPS = 4;

    private final Denoiser consistency;

    public ConsistencyGenerator(Denoiser consistency) {
        this.consistency = consistency;
    }

    /** sigma_0 > ... > sigma_{k-1}: the first k levels of Karras et al.'s schedule of k + 1. */
    static List<Double> levels(int steps) {
        Schedule schedule = Schedule.karras(steps + 1);
        List<Double> levels = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            levels.add(schedule.sigma(i));
        }
        return levels;
    }

    private static int steps(Budget budget) {
        return Math.max(1, Math.min(MAX_STEPS, budget.steps()));
    }

    @Override
    public Sampler.Sample generate(NDArray noise, Conditioning conditioning, Budget budget) {
        return new StudentGenerator(consistency, levels(steps(budget))).generate(noise, conditioning, budget);
    }

    @Override
    public Set<Budget.Setting> reads() {
        return Set.of(Budget.Setting.STEPS);
    }

    @Override
    public int nfe(Budget budget) {
        return steps(budget);
    }

    @Override
    public List<Budget> presets() {
        return List.of(new Budget(null, 4, 1.0), new Budget(null, 2, 1.0), new Budget(null, 1, 1.0));
    }

    @Override
    public String describe(Budget budget) {
        return steps(budget) + " consistency step" + (steps(budget) == 1 ? "" : "s");
    }
}
