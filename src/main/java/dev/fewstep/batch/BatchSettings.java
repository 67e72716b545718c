package dev.fewstep.batch;

import java.io.Serializable;

/**
 * What a batch makes, for every prompt line that does not say otherwise (a JSON line may set its own seed, sampler,
 * steps, cfg and negative prompt).
 *
 * @param model a model name or folder, as for {@code generate}
 * @param negative the negative prompt, or null
 * @param seed the base seed: line L's image i uses seed + L * perPrompt + i (with one image a prompt: seed + L)
 * @param perPrompt images per prompt line
 * @param scale the PNGs' upscaling factor
 */
public record BatchSettings(String model, String sampler, int steps, double cfg, String negative, long seed, int perPrompt,
        int scale) implements Serializable {
    public static final int MAX_SCALE = 16;

    /** The first seed of prompt line {@code index} when the line names none. */
    public long seedOf(int index) {
        return seed + (long) index * perPrompt;
    }
}
