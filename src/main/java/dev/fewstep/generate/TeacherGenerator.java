package dev.fewstep.generate;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.sample.Guidance;
import dev.fewstep.sample.Sampler;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A denoiser sampled with any sampler, any number of steps and classifier-free guidance. */
public final class TeacherGenerator implements Generator {
    /** The presets: a budget like the EDM paper's 35, a cheaper 10 and a rough 5. */
    static final int[] PRESET_NFE = {35, 10, 5};
    /** The guidance scale of the presets, the teachers' sampling default. */
    static final double PRESET_CFG = 2.0;

    private final Denoiser denoiser;

    public TeacherGenerator(Denoiser denoiser) {
        this.denoiser = denoiser;
    }

    @Override
    public Sampler.Sample generate(NDArray noise, Conditioning conditioning, Budget budget) {
        Sampler sampler = Sampler.named(budget.sampler());
        return sampler.sample(denoiser, noise, sampler.schedule(budget.steps()), new Guidance(conditioning, budget.cfg()));
    }

    @Override
    public Set<Budget.Setting> reads() {
        return EnumSet.allOf(Budget.Setting.class);
    }

    @Override
    public int nfe(Budget budget) {
        return Sampler.named(budget.sampler()).nfe(budget.steps());
    }

    @Override
    public List<Budget> presets() {
        List<Budget> presets = new ArrayList<>();
        for (int target : PRESET_NFE) {
            for (String name : Sampler.NAMES) {
                int steps = Math.min(Sampler.named(name).stepsForNfe(target), GenerateRequest.MAX_STEPS);
                Budget budget = new Budget(name, steps, PRESET_CFG);
                if (!presets.contains(budget) && Presets.worthOffering(name, steps)) {
                    presets.add(budget);
                }
            }
        }
        return presets;
    }

    @Override
    public String describe(Budget budget) {
        return budget.sampler() + " " + budget.steps() + " steps, cfg " + budget.cfg();
    }
}
