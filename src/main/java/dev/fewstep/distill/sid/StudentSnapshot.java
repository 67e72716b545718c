package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.generate.Generation;
import dev.fewstep.text.TextEncoder;
import java.util.List;

/**
 * The student as a probe sees it: a one-step generator and its prompt vocabulary. {@link #generate} produces exactly
 * the images {@code Generation.generate} produces from the saved model with the same prompts and seed.
 */
public final class StudentSnapshot {
    private static final int CHUNK = 64;

    private final OneStepGenerator generator;
    private final NDManager manager;
    private final List<String> prompts;

    StudentSnapshot(OneStepGenerator generator, NDManager manager, List<String> prompts) {
        this.generator = generator;
        this.manager = manager;
        this.prompts = prompts;
    }

    /** The teacher's vocabulary, which the student was distilled on. */
    public List<String> prompts() {
        return prompts;
    }

    public int channels() {
        return generator.network().config().imageChannels();
    }

    public int size() {
        return generator.network().config().imageSize();
    }

    /**
     * One image per prompt, channels-first, in [-1, 1]; image i starts from the noise of seed {@code firstSeed + i}.
     */
    public float[] generate(List<String> imagePrompts, long firstSeed) {
        int length = channels() * size() * size();
        float[] out = new float[imagePrompts.size() * length];
        for (int start = 0; start < imagePrompts.size(); start += CHUNK) {
            int count = Math.min(CHUNK, imagePrompts.size() - start);
            float[] embeddings = TextEncoder.get().embedAll(imagePrompts.subList(start, start + count));
            try (NDManager scope = manager.newSubManager()) {
                NDArray noise = scope.create(Generation.noise(firstSeed + start, count, length),
                        new Shape(count, channels(), size(), size()));
                Conditioning conditioning = Conditioning.of(scope.create(embeddings, new Shape(count, TextEncoder.DIM)));
                float[] pixels = generator.generate(noise, conditioning).clip(-1, 1).toFloatArray();
                System.arraycopy(pixels, 0, out, start * length, pixels.length);
            }
        }
        return out;
    }
}
