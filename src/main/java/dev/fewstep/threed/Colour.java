package dev.fewstep.threed;

import java.util.Locale;

/** The palette of the shapes world: a colour's name is the word in the caption, its albedo the linear RGB. */
public enum Colour {
    RED(0.85, 0.12, 0.10),
    GREEN(0.15, 0.70, 0.20),
    BLUE(0.12, 0.25, 0.85),
    YELLOW(0.95, 0.85, 0.10),
    PURPLE(0.55, 0.20, 0.75),
    ORANGE(0.95, 0.50, 0.08);

    private final double[] albedo;

    Colour(double r, double g, double b) {
        this.albedo = new double[] {r, g, b};
    }

    /** The albedo in [0, 1], RGB. */
    public double[] albedo() {
        return albedo.clone();
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
