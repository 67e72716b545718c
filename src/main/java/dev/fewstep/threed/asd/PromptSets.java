package dev.fewstep.threed.asd;

import dev.fewstep.threed.Captions;
import dev.fewstep.threed.HeldOut;
import dev.fewstep.threed.SceneSampler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The prompts a 3D generator is distilled on and evaluated with. Training prompts are the teacher's captions minus any
 * held-out combination ({@link HeldOut}), so no held-out combination reaches a training step; evaluation draws fixed
 * sets of either split with a seed.
 */
public final class PromptSets {
    /** Evaluation sets are drawn with this seed unless asked otherwise. */
    public static final long EVAL_SEED = 31;

    private PromptSets() {}

    /** The training captions of a vocabulary: those that parse as scenes and are not held out, in order. */
    public static List<String> training(List<String> vocabulary) {
        List<String> out = new ArrayList<>();
        for (String caption : vocabulary) {
            try {
                if (!HeldOut.contains(Captions.parse(caption))) {
                    out.add(caption);
                }
            } catch (IllegalArgumentException notAScene) {
                // a caption of another dataset: not a prompt of the shapes world
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the teacher's vocabulary has no training caption of the shapes world"
                    + " (is it a shapes teacher?)");
        }
        return out;
    }

    /** {@code count} distinct captions of a split, drawn with {@code seed}. */
    public static List<String> draw(SceneSampler.Split split, int count, long seed) {
        if (count < 1 || count > 10_000) {
            throw new IllegalArgumentException("the number of prompts must be between 1 and 10000, got " + count);
        }
        Random random = new Random(seed);
        SceneSampler sampler = new SceneSampler(split);
        Set<String> captions = new LinkedHashSet<>();
        for (int tries = 0; captions.size() < count && tries < 100 * count; tries++) {
            captions.add(sampler.sample(random).caption());
        }
        return new ArrayList<>(captions);
    }

    /** {@code count} distinct captions drawn from a training list with {@code seed} (the prompts the model trained on). */
    public static List<String> drawFrom(List<String> prompts, int count, long seed) {
        List<String> shuffled = new ArrayList<>(prompts);
        java.util.Collections.shuffle(shuffled, new Random(seed));
        return shuffled.subList(0, Math.min(count, shuffled.size()));
    }
}
