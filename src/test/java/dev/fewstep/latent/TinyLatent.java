package dev.fewstep.latent;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.testing.TinyModels;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Small synthetic data for the latent tests: TinyModels' 32x32 patterns, one prompt of each held out. */
final class TinyLatent {
    private TinyLatent() {}

    /** A prompt {@link HeldOut} keeps out of training. */
    static String heldOutPrompt() {
        return IntStream.range(0, 1000).mapToObj(i -> "pattern " + i).filter(HeldOut::isHeldOut).findFirst().orElseThrow();
    }

    /**
     * {@code count} RGB images of three patterns with a little noise; every fourth image is named by a held-out prompt
     * instead of its pattern's, so the held-out images are new draws of the patterns training sees.
     */
    static ImageDataset data(int count, long seed) {
        ImageDataset base = TinyModels.data(count, 3, seed);
        List<String> prompts = new ArrayList<>(base.prompts());
        prompts.add(heldOutPrompt());
        int[] promptIndex = base.promptIndex().clone();
        for (int i = 3; i < count; i += 4) {
            promptIndex[i] = prompts.size() - 1;
        }
        return new ImageDataset("synthetic", 3, base.size(), base.pixels(), promptIndex, List.copyOf(prompts));
    }
}
