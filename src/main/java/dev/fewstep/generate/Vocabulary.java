package dev.fewstep.generate;

import dev.fewstep.text.TextEncoder;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Whether a prompt is one a model was trained on, and if not, which of its prompts are nearest in meaning.
 *
 * <p>A model is conditioned on the sentence embedding of its prompt, and it has only ever seen the embeddings of
 * its vocabulary (ten class names for Fashion-MNIST, 1910 emoji names). Any other text gives an embedding it has to
 * extrapolate from, and the image tends to look like the vocabulary prompts nearest to it, not like the text. So the
 * user is told, with those nearest prompts: nearest by cosine similarity of the same MiniLM embeddings the model is
 * conditioned on.
 */
public final class Vocabulary {
    /** How many nearest prompts a warning names. */
    public static final int NEAREST = 3;

    private Vocabulary() {}

    /**
     * @return a warning naming the {@link #NEAREST} nearest vocabulary prompts when {@code prompt} is not in the
     *     vocabulary; empty when it is, or when the model has no vocabulary to compare with
     */
    public static Optional<String> warning(List<String> vocabulary, String prompt) {
        if (vocabulary.isEmpty() || contains(vocabulary, prompt)) {
            return Optional.empty();
        }
        String nearest = nearest(vocabulary, prompt, NEAREST).stream()
                .map(name -> "\"" + name + "\"").collect(Collectors.joining(", "));
        return Optional.of("\"" + prompt.strip() + "\" is not one of the " + vocabulary.size()
                + " prompts the model was trained on, so the images may not show it; nearest: " + nearest);
    }

    /**
     * Whether the prompt is in the vocabulary up to case and spacing, which the uncased MiniLM tokenizer ignores
     * too: "ankle  boot" and "Ankle boot" give the model the same embedding.
     */
    public static boolean contains(List<String> vocabulary, String prompt) {
        String key = key(prompt);
        return vocabulary.stream().anyMatch(entry -> key(entry).equals(key));
    }

    /** The {@code count} vocabulary prompts of highest cosine similarity to {@code prompt}, most similar first. */
    public static List<String> nearest(List<String> vocabulary, String prompt, int count) {
        TextEncoder encoder = TextEncoder.get();
        float[] query = encoder.embed(prompt);
        // The encoder memoises each prompt: after the first call a vocabulary costs a lookup per entry.
        float[] entries = encoder.embedAll(vocabulary);
        double[] similarity = new double[vocabulary.size()];
        for (int i = 0; i < similarity.length; i++) {
            similarity[i] = cosine(query, entries, i * TextEncoder.DIM);
        }
        return IntStream.range(0, vocabulary.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -similarity[i]))
                .limit(count)
                .map(vocabulary::get)
                .toList();
    }

    /**
     * all-MiniLM-L6-v2 embeddings arrive L2-normalised (checked in VocabularyTest), so this is their dot product;
     * dividing by the norms keeps it right should the encoder ever change.
     */
    static double cosine(float[] a, float[] rows, int offset) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < a.length; k++) {
            double b = rows[offset + k];
            dot += a[k] * b;
            aa += a[k] * a[k];
            bb += b * b;
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }

    private static String key(String prompt) {
        return prompt.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
