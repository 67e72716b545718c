package dev.fewstep.threed.asd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.threed.Captions;
import dev.fewstep.threed.HeldOut;
import dev.fewstep.threed.SceneSampler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptSetsTest {
    @Test
    void trainingPromptsDropEveryHeldOutCombinationAndEveryForeignCaption() {
        List<String> heldOut = PromptSets.draw(SceneSampler.Split.HELD_OUT, 20, 1);
        List<String> train = PromptSets.draw(SceneSampler.Split.TRAIN, 20, 1);
        List<String> vocabulary = new ArrayList<>(train);
        vocabulary.addAll(heldOut);
        vocabulary.add("Ankle boot");
        assertThat(heldOut).allMatch(p -> HeldOut.contains(Captions.parse(p)));
        assertThat(PromptSets.training(vocabulary)).containsExactlyElementsOf(train);
        assertThatThrownBy(() -> PromptSets.training(heldOut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no training caption");
    }

    @Test
    void evaluationSetsAreFixedBySeedAndDistinct() {
        assertThat(PromptSets.draw(SceneSampler.Split.HELD_OUT, 50, 31))
                .isEqualTo(PromptSets.draw(SceneSampler.Split.HELD_OUT, 50, 31)).doesNotHaveDuplicates().hasSize(50);
    }
}
