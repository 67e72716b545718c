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
}
