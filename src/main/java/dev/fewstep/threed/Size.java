package dev.fewstep.threed;

/** A primitive's scale; the medium size has no word in the caption ("a red cube" vs "a small red cube"). */
public enum Size {
    SMALL("small", 0.8),
    MEDIUM("", 1.0),
    LARGE("large", 1.2);

    private final String word;
    private final double scale;

    Size(String word, double scale) {
        this.word = word;
        this.scale = scale;
    }

    public String word() {
        return word;
    }

    public double scale() {
        return scale;
    }
}
