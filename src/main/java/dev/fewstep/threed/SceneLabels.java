package dev.fewstep.threed;

/**
 * A scene's combination as the five answers of the shapes classifier's heads: the relation, the first part's shape and
 * colour, and the second part's shape and colour or "none" (the last index) for a part alone. Sizes are free, as in
 * {@link HeldOut}. "A next to B" is labelled as an unordered pair (the part with the smaller shape, then colour,
 * first): turned by 180° about the vertical axis it is "B next to A", and the classifier sees no camera, so a render
 * cannot tell the two apart. "A on B" keeps its order (top, then bottom).
 */
public record SceneLabels(int relation, int firstShape, int firstColour, int secondShape, int secondColour) {
    /** Classes per head, in order: relation, first shape, first colour, second shape (+ none), second colour (+ none). */
    public static final int[] HEADS = {
        Relation.values().length, Shape.values().length, Colour.values().length,
        Shape.values().length + 1, Colour.values().length + 1};
    /** The index "no second part" in the second part's heads. */
    public static final int NONE_SHAPE = Shape.values().length;
    public static final int NONE_COLOUR = Colour.values().length;

    public static SceneLabels of(Scene scene) {
        Part first = scene.parts().get(0);
        Part second = scene.parts().size() > 1 ? scene.parts().get(1) : null;
        if (scene.relation() == Relation.NEXT_TO && order(second) < order(first)) {
            Part swap = first;
            first = second;
            second = swap;
        }
        return new SceneLabels(scene.relation().ordinal(), first.shape().ordinal(), first.colour().ordinal(),
                second == null ? NONE_SHAPE : second.shape().ordinal(), second == null ? NONE_COLOUR : second.colour().ordinal());
    }

    private static int order(Part part) {
        return part.shape().ordinal() * Colour.values().length + part.colour().ordinal();
    }

    public int[] toArray() {
        return new int[] {relation, firstShape, firstColour, secondShape, secondColour};
    }

    /** The head's logits sit at [offset(h), offset(h) + HEADS[h]) of the classifier's output. */
    public static int offset(int head) {
        int offset = 0;
        for (int h = 0; h < head; h++) {
            offset += HEADS[h];
        }
        return offset;
    }

    public static int logitCount() {
        return offset(HEADS.length);
    }
}
