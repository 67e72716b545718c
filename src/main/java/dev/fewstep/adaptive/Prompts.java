package dev.fewstep.adaptive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Phrasings of the class names, so that a policy over prompt embeddings has more than ten prompts to learn from.
 * Every fifth template is held out: the policy is trained on the others and evaluated on these only.
 */
public final class Prompts {
    /** "{}" stands for the class name. */
    public static final List<String> TEMPLATES = List.of(
            "{}",
            "a photo of a {}",
            "{}, product shot",
            "a picture of a {}",
            "an image of a {}",
            "a close-up photo of a {}",
            "a {} on a white background",
            "a black and white photo of a {}",
            "a catalogue photo of a {}",
            "{} for sale",
            "a simple {}",
            "a small photo of the {}",
            "a low-resolution photo of a {}",
            "the {}",
            "a grayscale image of a {}");
    /** Every {@value}th template (indices 4, 9, 14) is held out for evaluation. */
    public static final int HOLD_OUT_EVERY = 5;

    /** Whether templated prompts are trained on or only evaluated on. */
    public enum Split { TRAIN, EVAL }

    /** One prompt: its text, the class it names (an index into the vocabulary) and its template. */
    public record Prompt(String text, int classIndex, int template) {}

    private Prompts() {}

    public static boolean heldOut(int template) {
        return template % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1;
    }

    public static List<Integer> templates(Split split) {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < TEMPLATES.size(); t++) {
            if (heldOut(t) == (split == Split.EVAL)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The class name in a template; lower case, as one writes it in a sentence (MiniLM is uncased anyway). */
    public static String phrase(int template, String className) {
        return TEMPLATES.get(template).replace("{}", className.toLowerCase(Locale.ROOT));
    }

    /**
     * {@code count} prompts of a split, cycling through classes fastest and then the split's templates, so every
     * (class, template) pair appears equally often when count is a multiple of their number.
     */
    public static List<Prompt> sample(Split split, List<String> classes, int count) {
        List<Integer> templates = templates(split);
        List<Prompt> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int c = i % classes.size();
            int t = templates.get((i / classes.size()) % templates.size());
            out.add(new Prompt(phrase(t, classes.get(c)), c, t));
        }
        return out;
    }
}
