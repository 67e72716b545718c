package dev.fewstep.threed;

import java.util.Random;

/** Draws random scenes of one split: relation, shapes, colours and sizes uniform, redrawn until the split fits. */
public final class SceneSampler {
    /** Which combinations a sampler draws from. */
    public enum Split {
        TRAIN, HELD_OUT;

        public boolean accepts(Scene scene) {
            return HeldOut.contains(scene) == (this == HELD_OUT);
        }
    }

    private final Split split;

    public SceneSampler(Split split) {
        this.split = split;
    }

    public Scene sample(Random random) {
        while (true) {
            Relation relation = pick(Relation.values(), random);
            Scene scene = relation == Relation.ALONE ? Scene.of(part(random)) : Scene.of(part(random), relation, part(random));
            if (split.accepts(scene)) {
                return scene;
            }
        }
    }

    private static Part part(Random random) {
        return new Part(pick(Shape.values(), random), pick(Colour.values(), random), pick(Size.values(), random));
    }

    private static <T> T pick(T[] values, Random random) {
        return values[random.nextInt(values.length)];
    }
}
