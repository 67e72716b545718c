package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromptSpreadTest {

    @Test
    void manySamplesCycleThroughThePrompts() {
        assertThat(PromptSpread.indices(7, 3)).containsExactly(0, 1, 2, 0, 1, 2, 0);
    }

    @Test
    void fewSamplesSpanTheWholeVocabulary() {
        assertThat(PromptSpread.indices(4, 10)).containsExactly(0, 2, 5, 7);
    }

    @Test
    void mismatchedPromptsAreNeverTheSamplesOwn() {
        for (int[] nAndP : new int[][] {{1000, 10}, {500, 1910}, {7, 2}, {9, 3}}) {
            int[] own = PromptSpread.indices(nAndP[0], nAndP[1]);
            int[] other = PromptSpread.mismatched(own, nAndP[1]);
            for (int i = 0; i < own.length; i++) {
                assertThat(other[i]).as("n %d, P %d, sample %d", nAndP[0], nAndP[1], i).isNotEqualTo(own[i])
                        .isBetween(0, nAndP[1] - 1);
            }
        }
        assertThat(PromptSpread.mismatched(new int[] {0, 1, 2, 3}, 4)).containsExactly(2, 3, 0, 1);
        assertThatThrownBy(() -> PromptSpread.mismatched(new int[] {0}, 1)).hasMessageContaining("no other prompt");
    }
}
