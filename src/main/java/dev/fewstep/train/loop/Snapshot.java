package dev.fewstep.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.Generator;
import dev.fewstep.text.TextEncoder;
import java.util.List;

/**
 * The model being trained as a probe sees it: a generator with a budget, and its prompt vocabulary.
 * {@link #generate} produces exactly the images {@code Generation.generate} produces from the saved model with the
 * same prompts, seed and budget.
 */
public final class Snapshot {
    private static final int CHUNK = 64;

    private final Generator generator;
    private final Budget budget;
    private final NDManager manager;
    private final List<String> prompts;
    private final int channels;
    private final int size;
    private final int noiseChannels;
    private final int noiseSize;

    public Snapshot(Generator generator, Budget budget, NDManager manager, List<String> prompts, int channels, int size) {
        this(generator, budget, manager, prompts, channels, size, channels, size);
    }

    /**
     * A generator whose noise has another shape than its images (a latent model's: latent noise in, decoded pixels
     * out).
     *
     * @param channels the images' channels
     * @param size the images' side
     * @param noiseChannels the noise's channels
     * @param noiseSize the noise's side
     */
    public Snapshot(Generator generator, Budget budget, NDManager manager, List<String> prompts, int channels, int size,
            int noiseChannels, int noiseSize) {
        this.generator = generator;
        this.budget = budget;
        this.manager = manager;
        this.prompts = prompts;
        this.channels = channels;
        this.size = size;
        this.noiseChannels = noiseChannels;
        this.noiseSize = noiseSize;
    }

    /** The vocabulary the model was trained on. */
    public List<String> prompts() {
        return prompts;
    }

    public int channels() {
        return channels;
    }

    public int size() {
        return size;
    }

    /**
     * One image per prompt, channels-first, in [-1, 1]; image i starts from the noise of seed {@code firstSeed + i}.
     */
    public float[] generate(List<String> imagePrompts, long firstSeed) {
        int length = channels * size * size;
        int noiseLength = noiseChannels * noiseSize * noiseSize;
        float[] out = new float[imagePrompts.size() * length];
        for (int start = 0; start < imagePrompts.size(); start += CHUNK) {
            int count = Math.min(CHUNK, imagePrompts.size() - start);
            float[] embeddings = TextEncoder.get().embedAll(imagePrompts.subList(start, start + count));
            try (NDManager scope = manager.newSubManager()) {
                NDArray noise = scope.create(Generation.noise(firstSeed + start, count, noiseLength),
                        new Shape(count, noiseChannels, noiseSize, noiseSize));
                Conditioning conditioning = Conditioning.of(scope.create(embeddings, new Shape(count, TextEncoder.DIM)));
                float[] pixels = generator.generate(noise, conditioning, budget).images().clip(-1, 1).toFloatArray();
                System.arraycopy(pixels, 0, out, start * length, pixels.length);
            }
        }
        return out;
    }
}
