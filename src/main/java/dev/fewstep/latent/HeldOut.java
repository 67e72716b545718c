package dev.fewstep.latent;

import dev.fewstep.data.ImageDataset;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The images an autoencoder never trains on, to measure its reconstructions: every image of a fixed twentieth of the
 * prompts (by the prompt's hash), so a held-out emoji is unseen in every set.
 */
public final class HeldOut {
    static final int ONE_IN = 20;

    private HeldOut() {}

    public static boolean isHeldOut(String prompt) {
        return Math.floorMod(prompt.hashCode(), ONE_IN) == 0;
    }

    public static ImageDataset train(ImageDataset data) {
        return subset(data, false);
    }

    public static ImageDataset heldOut(ImageDataset data) {
        return subset(data, true);
    }

    private static ImageDataset subset(ImageDataset data, boolean heldOut) {
        int[] rows = IntStream.range(0, data.count()).filter(i -> isHeldOut(data.prompt(i)) == heldOut).toArray();
        int length = data.imageLength();
        float[] pixels = new float[rows.length * length];
        int[] prompts = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            data.copyImage(rows[r], pixels, r * length);
            prompts[r] = data.promptIndex()[rows[r]];
        }
        return new ImageDataset(data.name(), data.channels(), data.size(), pixels, prompts, List.copyOf(data.prompts()));
    }
}
