package dev.fewstep.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fewstep.text.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    @Test
    void miniLmEmbeddingsAreUnitVectors() {
        for (String prompt : List.of("Sneaker", "a red spaceship over the sea", "x")) {
            float[] embedding = TextEncoder.get().embed(prompt);
            assertThat(dot(embedding, embedding)).as(prompt).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void aVocabularyPromptGetsNoWarningWhateverItsCaseOrSpacing() {
        for (String prompt : List.of("Sneaker", "  sneaker ", "ANKLE  boot", "t-shirt/top")) {
            assertThat(Vocabulary.warning(FASHION, prompt)).as(prompt).isEmpty();
        }
    }

    @Test
    void anUnknownPromptIsToldItsThreeNearestPrompts() {
        assertThat(Vocabulary.warning(FASHION, " spaceship ")).hasValueSatisfying(warning -> assertThat(warning)
                .startsWith("\"spaceship\" is not one of the 10 prompts the model was trained on")
                .containsPattern("nearest: \"[^\"]+\", \"[^\"]+\", \"[^\"]+\"$"));
    }

    @Test
    void theNearestPromptsAreTheClosestInMeaning() {
        assertThat(Vocabulary.nearest(FASHION, "handbag", 3)).first().isEqualTo("Bag");
        assertThat(Vocabulary.nearest(FASHION, "winter jacket", 3)).first().isEqualTo("Coat");
        assertThat(Vocabulary.nearest(FASHION, "boots", 3)).first().isEqualTo("Ankle boot");
        assertThat(Vocabulary.nearest(FASHION, "running shoe", 3)).contains("Sneaker");
    }

    @Test
    void theNearestAreRankedByCosineSimilarityAboveAllOthers() {
        String prompt = "flip-flops";
        List<String> nearest = Vocabulary.nearest(FASHION, prompt, 3);
        float[] query = TextEncoder.get().embed(prompt);
        List<Double> similarities = new ArrayList<>();
        for (String entry : nearest) {
            similarities.add(dot(query, TextEncoder.get().embed(entry)));
        }
        assertThat(similarities).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        for (String other : FASHION) {
            if (!nearest.contains(other)) {
                assertThat(dot(query, TextEncoder.get().embed(other))).as(other).isLessThanOrEqualTo(similarities.get(2));
            }
        }
    }

    @Test
    void aModelWithoutVocabularyHasNothingToWarnAbout() {
        assertThat(Vocabulary.warning(List.of(), "anything")).isEmpty();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
