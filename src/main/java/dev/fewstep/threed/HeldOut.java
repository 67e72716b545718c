package dev.fewstep.threed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fixed fifth of the shape × colour × relation combinations kept out of training for evaluation. A combination
 * is a scene's relation with each part's shape and colour; sizes vary freely within both splits. For each relation
 * the combinations are listed in enum order, shuffled with {@code new Random(31)} (java.util.Random and
 * Collections.shuffle are specified algorithms, so the split is the same on every JVM) and the first
 * round(n / 5) are held out: 7 of 36 single parts, 259 of 1296 pairs for "on" and for "next to".
 */
public final class HeldOut {
    private static final long SEED = 31;
    private static final Set<String> KEYS = build();

    private HeldOut() {}

    /** Whether the scene's combination is held out of training. */
    public static boolean contains(Scene scene) {
        return KEYS.contains(key(scene));
    }

    /** The held-out combinations as keys, sorted. */
    public static Set<String> keys() {
        return Collections.unmodifiableSet(KEYS);
    }

    /** The combination of a scene: its caption at medium size, e.g. "a red cone on a blue cube". */
    public static String key(Scene scene) {
        List<Part> medium = scene.parts().stream().map(p -> new Part(p.shape(), p.colour(), Size.MEDIUM)).toList();
        return new Scene(scene.relation(), medium).caption();
    }

    /** Every combination of a relation at medium size, in enum order. */
    public static List<Scene> combinations(Relation relation) {
        List<Part> parts = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            for (Colour colour : Colour.values()) {
                parts.add(new Part(shape, colour, Size.MEDIUM));
            }
        }
        List<Scene> scenes = new ArrayList<>();
        for (Part a : parts) {
            if (relation == Relation.ALONE) {
                scenes.add(Scene.of(a));
                continue;
            }
            for (Part b : parts) {
                scenes.add(Scene.of(a, relation, b));
            }
        }
        return scenes;
    }

    private static Set<String> build() {
        Set<String> keys = new TreeSet<>();
        Random random = new Random(SEED);
        for (Relation relation : Relation.values()) {
            List<Scene> all = new ArrayList<>(combinations(relation));
            Collections.shuffle(all, random);
            int count = Math.round(all.size() / 5f);
            all.subList(0, count).forEach(s -> keys.add(key(s)));
        }
        return keys;
    }
}
