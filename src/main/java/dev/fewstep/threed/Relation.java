package dev.fewstep.threed;

/**
 * How a scene's parts stand: one part alone, the first "on" the second (stacked), or the first "next to" the second
 * (to its left, on the same ground).
 */
public enum Relation {
    ALONE(""),
    ON("on"),
    NEXT_TO("next to");

    private final String words;

    Relation(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }
}
