package dev.fewstep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.text.TextEncoder;
import java.util.List;
import java.util.Random;

/**
 * The batches training draws: prompts from a vocabulary, training images with their own prompts, and other prompts
 * for the same images (the "wrong text" of a matching-aware discriminator). Prompts are embedded once; a batch's
 * prompt may be dropped (replaced by the null embedding) for classifier-free guidance. Every draw comes from the
 * iteration's {@link Random}, so batches repeat exactly on resume.
 */
public final class Batches {
    private final float[] vocabularyEmbeddings;
    private final int vocabularySize;
    private final ImageDataset images;
    private final float[] imagePromptEmbeddings;

    /**
     * @param vocabulary the prompts of data-free batches (may be empty when only images are drawn)
     * @param images the training images, or null when none are read
     */
    public Batches(List<String> vocabulary, ImageDataset images) {
        this.vocabularyEmbeddings = vocabulary.isEmpty() ? new float[0] : TextEncoder.get().embedAll(vocabulary);
        this.vocabularySize = vocabulary.size();
        this.images = images;
        this.imagePromptEmbeddings = images == null ? null : TextEncoder.get().embedAll(images.prompts());
    }

    /** Training images and their prompts. */
    public record Labelled(NDArray images, Conditioning conditioning) {}

    /**
     * {@code batch} training images with their prompts, each prompt dropped with probability {@code dropout}; the
     * image and its drop are drawn in turn for each row.
     */
    public Labelled labelled(NDManager scope, Random random, int batch, double dropout) {
        int length = images.imageLength();
        float[] pixels = new float[batch * length];
        int[] rows = new int[batch];
        float[] dropped = new float[batch];
        for (int b = 0; b < batch; b++) {
            int i = random.nextInt(images.count());
            images.copyImage(i, pixels, b * length);
            rows[b] = images.promptIndex()[i];
            dropped[b] = random.nextDouble() < dropout ? 1f : 0f;
        }
        NDArray x = scope.create(pixels, new Shape(batch, images.channels(), images.size(), images.size()));
        return new Labelled(x, conditioning(scope, imagePromptEmbeddings, rows, dropped));
    }

    /** {@code batch} prompts drawn uniformly from the vocabulary; each dropped with probability {@code dropout}. */
    public Conditioning vocabulary(NDManager scope, Random random, int batch, double dropout) {
        int[] rows = new int[batch];
        float[] dropped = new float[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = random.nextInt(vocabularySize);
            dropped[b] = dropout > 0 && random.nextDouble() < dropout ? 1f : 0f;
        }
        return conditioning(scope, vocabularyEmbeddings, rows, dropped);
    }

    /** Indices of {@code batch} training images drawn uniformly. */
    public int[] imageIndices(Random random, int batch) {
        return random.ints(batch, 0, images.count()).toArray();
    }

    public NDArray images(NDManager scope, int[] indices) {
        float[] pixels = new float[indices.length * images.imageLength()];
        for (int b = 0; b < indices.length; b++) {
            images.copyImage(indices[b], pixels, b * images.imageLength());
        }
        return scope.create(pixels, new Shape(indices.length, images.channels(), images.size(), images.size()));
    }

    /** The prompts of the chosen training images, each dropped with probability {@code dropout}. */
    public Conditioning ownPrompts(NDManager scope, int[] indices, Random random, double dropout) {
        int[] rows = new int[indices.length];
        float[] dropped = new float[indices.length];
        for (int b = 0; b < indices.length; b++) {
            rows[b] = images.promptIndex()[indices[b]];
            dropped[b] = dropout > 0 && random.nextDouble() < dropout ? 1f : 0f;
        }
        return conditioning(scope, imagePromptEmbeddings, rows, dropped);
    }

    /** For each chosen training image a prompt of the training set other than its own, uniformly; never dropped. */
    public Conditioning mismatchedPrompts(NDManager scope, int[] indices, Random random) {
        int prompts = images.prompts().size();
        int[] rows = new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            int own = images.promptIndex()[indices[b]];
            rows[b] = (own + 1 + random.nextInt(prompts - 1)) % prompts;
        }
        return conditioning(scope, imagePromptEmbeddings, rows, new float[indices.length]);
    }

    /** The rows {@code rows} of {@code embeddings} (one TextEncoder.DIM vector per prompt) with their drop flags. */
    private static Conditioning conditioning(NDManager scope, float[] embeddings, int[] rows, float[] dropped) {
        float[] text = new float[rows.length * TextEncoder.DIM];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(embeddings, rows[b] * TextEncoder.DIM, text, b * TextEncoder.DIM, TextEncoder.DIM);
        }
        return new Conditioning(scope.create(text, new Shape(rows.length, TextEncoder.DIM)),
                scope.create(dropped, new Shape(rows.length)));
    }
}
