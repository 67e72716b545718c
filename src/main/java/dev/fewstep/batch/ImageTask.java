package dev.fewstep.batch;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.ImageParameters;
import java.io.Serializable;
import java.util.List;

/**
 * One prompt line of a batch: its images are exactly those of {@code generate --prompt PROMPT --seed SEED --n N}
 * (image i from seed + i, made in one call at batch size n), written as {@code INDEX-SEED.png}.
 *
 * @param index the prompt's position in the file (0-based, blank lines not counted)
 * @param negative a negative prompt, or null
 * @param n images of this prompt
 * @param model the model as the user named it (written into each image's parameters, as {@code generate} does)
 * @param scale the PNG's upscaling factor
 */
public record ImageTask(int index, String prompt, String negative, String sampler, int steps, double cfg, long seed, int n,
        String model, int scale) implements Serializable {
    /** What {@code generate} would run for this line; {@link dev.fewstep.generate.Generation} takes it as it is. */
    public GenerateRequest request() {
        return new GenerateRequest(prompt, sampler, steps, cfg, seed, n, negative);
    }

    public String fileName(int i) {
        return String.format("%06d-%d.png", index, seed + i);
    }

    /** The parameters that image i carries, as {@code generate --out-dir} writes them. */
    public ImageParameters parameters(int i, String modelHash, int nfe) {
        return new ImageParameters(List.of(prompt), negative, model, modelHash, sampler, steps, cfg, seed, nfe, n, scale)
                .ofImage(0, i);
    }
}
