package dev.fewstep.data;

import java.util.List;

/**
 * Images with a prompt each, in memory.
 *
 * @param name the dataset's name, e.g. "fashion-mnist"
 * @param channels 1 or 3
 * @param size side of the square images (32)
 * @param pixels all images, (N, channels, size, size) row-major, scaled to [-1, 1]
 * @param promptIndex for each image, its prompt in {@code prompts}
 * @param prompts the vocabulary: class names or emoji names
 */
public record ImageDataset(String name, int channels, int size, float[] pixels, int[] promptIndex, List<String> prompts) {

    public int count() {
        return promptIndex.length;
    }

    public int imageLength() {
        return channels * size * size;
    }

    /** Copies image {@code i} into {@code target} at {@code offset}. */
    public void copyImage(int i, float[] target, int offset) {
        System.arraycopy(pixels, i * imageLength(), target, offset, imageLength());
    }

    public String prompt(int i) {
        return prompts.get(promptIndex[i]);
    }
}
