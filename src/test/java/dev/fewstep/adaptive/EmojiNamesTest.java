package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EmojiNamesTest {
    /** As many names as the emoji dataset has, sorted as its vocabulary is. */
    private static final List<String> NAMES = IntStream.range(0, 1910).mapToObj(i -> String.format("name %04d", i)).toList();

    @Test
    void aFifthOfTheNamesIsHeldOutDisjointFromTheTrainingNames() {
        List<Integer> train = EmojiNames.names(Prompts.Split.TRAIN, NAMES.size());
        List<Integer> eval = EmojiNames.names(Prompts.Split.EVAL, NAMES.size());
        assertThat(eval).hasSize(NAMES.size() / 5).startsWith(4, 9, 14);
        assertThat(train).doesNotContainAnyElementsOf(eval);
        Set<Integer> all = new HashSet<>(train);
        all.addAll(eval);
        assertThat(all).hasSize(NAMES.size());
    }

    @Test
    void theSplitIsDeterministicAndTrainingSamplesNeverNameAHeldOutEmoji() {
        List<Prompts.Prompt> train = EmojiNames.sample(Prompts.Split.TRAIN, NAMES, 3000);
        assertThat(EmojiNames.sample(Prompts.Split.TRAIN, NAMES, 3000)).isEqualTo(train);
        assertThat(train).allSatisfy(p -> {
            assertThat(EmojiNames.heldOut(p.classIndex())).isFalse();
            assertThat(p.text()).isEqualTo(NAMES.get(p.classIndex()));
        });
        List<Prompts.Prompt> eval = EmojiNames.sample(Prompts.Split.EVAL, NAMES, 500);
        assertThat(eval).allSatisfy(p -> assertThat(EmojiNames.heldOut(p.classIndex())).isTrue());
        assertThat(eval).extracting(Prompts.Prompt::text).doesNotContainAnyElementsOf(
                train.stream().map(Prompts.Prompt::text).toList());
    }

    @Test
    void everyNameOfASplitComesOnceBeforeAnyComesTwice() {
        int heldOut = NAMES.size() / 5;
        List<Integer> first = EmojiNames.sample(Prompts.Split.EVAL, NAMES, heldOut + 1).stream()
                .map(Prompts.Prompt::classIndex).toList();
        assertThat(new HashSet<>(first.subList(0, heldOut))).hasSize(heldOut);
        assertThat(first.get(heldOut)).isEqualTo(first.get(0));
        // a fixed random order, not the alphabet: a table cut short still spreads over the names
        assertThat(first.subList(0, 5)).isNotEqualTo(List.of(4, 9, 14, 19, 24));
    }

    @Test
    void anEmojiTeacherGetsTheNamesAndAFashionTeacherTheTemplates() {
        PolicyPrompts emoji = new PolicyPrompts("emoji", NAMES);
        assertThat(emoji.sample(Prompts.Split.EVAL, 3)).isEqualTo(EmojiNames.sample(Prompts.Split.EVAL, NAMES, 3));
        List<String> classes = List.of("Trouser", "Bag");
        PolicyPrompts fashion = new PolicyPrompts("fashion-mnist", classes);
        assertThat(fashion.sample(Prompts.Split.EVAL, 3)).isEqualTo(Prompts.sample(Prompts.Split.EVAL, classes, 3));
        assertThat(fashion.groups()).isEqualTo(classes);
    }
}
