package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;

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
}
