package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {
    private static final List<String> CLASSES = List.of("Trouser", "Ankle boot");

    @Test
    void aFifthOfTheTemplatesIsHeldOutAndNeverTrainedOn() {
        List<Integer> train = Prompts.templates(Prompts.Split.TRAIN);
        List<Integer> eval = Prompts.templates(Prompts.Split.EVAL);
        assertThat(Prompts.TEMPLATES).hasSizeGreaterThanOrEqualTo(10);
        assertThat(eval).hasSize(Prompts.TEMPLATES.size() / 5);
        assertThat(train).doesNotContainAnyElementsOf(eval);
        assertThat(train.size() + eval.size()).isEqualTo(Prompts.TEMPLATES.size());
        assertThat(Prompts.sample(Prompts.Split.TRAIN, CLASSES, 100)).extracting(Prompts.Prompt::template)
                .doesNotContainAnyElementsOf(eval);
    }

    @Test
    void samplesCycleClassesFastestAndNameTheirClass() {
        List<Prompts.Prompt> prompts = Prompts.sample(Prompts.Split.TRAIN, CLASSES, 4);
        assertThat(prompts).extracting(Prompts.Prompt::classIndex).containsExactly(0, 1, 0, 1);
        assertThat(prompts.get(0).text()).isEqualTo("trouser");
        assertThat(prompts.get(3).text()).isEqualTo("a photo of a ankle boot");
    }
}
