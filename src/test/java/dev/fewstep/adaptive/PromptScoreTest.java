package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.metrics.features.ClipTrainer;
import dev.fewstep.metrics.features.EncoderConfig;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.FeatureTrainConfig;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptScoreTest {

    @Test
    void theAlignmentTermIsTheAlignmentOverTheRealImagesClippedToTheUnitInterval() {
        assertThat(PromptScore.alignmentTerm(0.25, 0.5)).isCloseTo(0.5, within(1e-12));
        assertThat(PromptScore.alignmentTerm(0.5, 0.5)).isCloseTo(1.0, within(1e-12));
        assertThat(PromptScore.alignmentTerm(0.7, 0.5)).isEqualTo(1.0);
        assertThat(PromptScore.alignmentTerm(-0.1, 0.5)).isEqualTo(0.0);
        assertThatThrownBy(() -> PromptScore.alignmentTerm(0.2, 0.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }

    /** Four flat colours, each named; the yardstick is a tiny CLIP trained on them for a few steps. */
    @Test
    void theEmojiPromptScoreIsTheYardsticksAlignmentAndItsTermIsScaledByTheRealOne(@TempDir Path dir) throws Exception {
        List<String> names = List.of("red", "green", "blue", "white");
        float[][] rgb = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, 1, 1}};
        int plane = 32 * 32;
        float[] pixels = new float[names.size() * 3 * plane];
        for (int i = 0; i < names.size(); i++) {
            for (int c = 0; c < 3; c++) {
                java.util.Arrays.fill(pixels, (i * 3 + c) * plane, (i * 3 + c + 1) * plane, rgb[i][c]);
            }
        }
        ImageDataset data = new ImageDataset("colours", 3, 32, pixels, new int[] {0, 1, 2, 3}, names);
        new ClipTrainer(new FeatureTrainConfig("emoji-clip", 6, 4, 2e-3, 2, 5, 100),
                new EncoderConfig(3, 32, new int[] {8, 16}, 16, 4), 8, data, dir)
                .train(TrainingLoop.Start.FRESH, LoopListener.NONE);
        List<Prompts.Prompt> prompts = List.of(new Prompts.Prompt("red", 0, 0), new Prompts.Prompt("green", 1, 0),
                new Prompts.Prompt("red", 0, 0), new Prompts.Prompt("white", 3, 0));
        try (FeatureModel clip = FeatureModel.load(dir)) {
            // image 2 (blue) is asked to be "red": its score is the cosine all the same, as eval scores a miss
            float[] alignment = clip.promptScores(pixels, 4, List.of("red", "green", "red", "white"));
            double realAlignment = 0.4;
            PromptScore measured = PromptScore.of(clip, pixels, prompts, realAlignment);
            assertThat(measured.score()).containsExactly(alignment);
            assertThat(measured.features()).containsExactly(clip.features(pixels, 4));
            for (int i = 0; i < 4; i++) {
                assertThat((double) measured.term()[i]).isCloseTo(
                        Math.max(0, Math.min(1, alignment[i] / realAlignment)), within(1e-6));
            }
            assertThat(alignment[0]).isNotEqualTo(alignment[2]);
        }
    }
}
