package dev.fewstep.adaptive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.data.DataStore;
import dev.fewstep.data.Emoji;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The emoji names as a policy's prompts, in the structure of the Fashion {@link Prompts}: every fifth name of the
 * (sorted) vocabulary, indices 4, 9, 14, …, is held out; the policy never trains on them and every reported number is
 * on them. A name is its own prompt, the bare-name template 0.
 */
public final class EmojiNames {
    /** Fixes the order in which a split's names are visited, so a table cut short still spreads over its names. */
    public static final long ORDER_SEED = 30;
    /** The prompt group of a name whose category is unknown. */
    public static final String UNKNOWN_GROUP = "other";

    private EmojiNames() {}

    public static boolean heldOut(int nameIndex) {
        return nameIndex % Prompts.HOLD_OUT_EVERY == Prompts.HOLD_OUT_EVERY - 1;
    }

    /** The indices of a split's names among {@code count} names. */
    public static List<Integer> names(Prompts.Split split, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (heldOut(i) == (split == Prompts.Split.EVAL)) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * {@code count} prompts of a split: its names in a fixed random order ({@link #ORDER_SEED}), cycling, so every
     * name appears once before any appears twice.
     */
    public static List<Prompts.Prompt> sample(Prompts.Split split, List<String> vocabulary, int count) {
        List<Integer> order = names(split, vocabulary.size());
        if (order.isEmpty()) {
            throw new IllegalArgumentException("a vocabulary of " + vocabulary.size() + " names has no "
                    + split.name().toLowerCase(Locale.ROOT) + " names");
        }
        Collections.shuffle(order, new Random(ORDER_SEED));
        List<Prompts.Prompt> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int name = order.get(i % order.size());
            out.add(new Prompts.Prompt(vocabulary.get(name), name, 0));
        }
        return out;
    }

    /**
     * The prompt group of each name: its category in the dataset's {@code emoji.json} ("Flags", "Food &amp; Drink", …),
     * {@value #UNKNOWN_GROUP} for a name none lists or when the data is not on this machine.
     */
    public static List<String> groups(List<String> vocabulary) {
        Map<String, String> category = new HashMap<>();
        for (Path dir : Emoji.packageDirs(DataStore.root().resolve("emoji"))) {
            try {
                for (JsonNode entry : new ObjectMapper().readTree(dir.resolve("emoji.json").toFile())) {
                    String name = entry.path("name").asText("").toLowerCase(Locale.ROOT);
                    if (!name.isEmpty() && entry.hasNonNull("category")) {
                        category.putIfAbsent(name, entry.get("category").asText());
                    }
                }
            } catch (IOException e) {
                // the groups only label the NFE chart; without the file every name is "other"
            }
        }
        return vocabulary.stream().map(n -> category.getOrDefault(n, UNKNOWN_GROUP)).toList();
    }
}
