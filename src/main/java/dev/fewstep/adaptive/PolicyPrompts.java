package dev.fewstep.adaptive;

import dev.fewstep.data.DataStore;
import java.util.List;

/**
 * The prompts a policy over a teacher is trained and evaluated on: for Fashion the templated class names
 * ({@link Prompts}), for emoji the names themselves ({@link EmojiNames}); each with its held-out fifth.
 *
 * @param dataset the teacher's dataset
 * @param vocabulary the teacher's prompts
 */
public record PolicyPrompts(String dataset, List<String> vocabulary) {

    public static PolicyPrompts of(dev.fewstep.model.ModelInfo info) {
        return new PolicyPrompts(info.dataset(), info.prompts());
    }

    /** Whether the prompts are the vocabulary's names (emoji) rather than templated class names. */
    public boolean names() {
        return DataStore.canonical(dataset).equals("emoji");
    }

    public List<Prompts.Prompt> sample(Prompts.Split split, int count) {
        return names() ? EmojiNames.sample(split, vocabulary, count) : Prompts.sample(split, vocabulary, count);
    }

    /** The prompt group of each vocabulary entry, for the NFE chart: an emoji's category, a Fashion class itself. */
    public List<String> groups() {
        return names() ? EmojiNames.groups(vocabulary) : vocabulary;
    }

    /** What the held-out prompts are, for reports. */
    public String heldOut() {
        return names() ? "held-out emoji names" : "held-out templates";
    }
}
