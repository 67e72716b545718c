package dev.fewstep.metrics;

/**
 * Which prompt each of n evaluation samples gets, spread evenly over a vocabulary: with at least as many
 * samples as prompts, sample i gets prompt i mod P (balanced classes); with fewer, prompt floor(i P / n), so
 * the samples still span the whole vocabulary.
 */
public final class PromptSpread {
    private PromptSpread() {}

    public static int[] indices(int n, int promptCount) {
        if (n < 0 || promptCount < 1) {
            throw new IllegalArgumentException("cannot spread " + n + " samples over " + promptCount + " prompts");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = n >= promptCount ? i % promptCount : (int) ((long) i * promptCount / n);
        }
        return out;
    }

    /**
     * A different prompt for every sample, to score samples against prompts that are not theirs: the prompt half
     * the vocabulary away from its own, (p + P/2) mod P. (Shifting samples by n/2 instead would pair a sample with
     * its own prompt whenever P divides n/2, as for 10 classes and n = 1000.)
     */
    public static int[] mismatched(int[] indices, int promptCount) {
        if (promptCount < 2) {
            throw new IllegalArgumentException("a vocabulary of " + promptCount + " prompt has no other prompt to mismatch with");
        }
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = (indices[i] + promptCount / 2) % promptCount;
        }
        return out;
    }
}
