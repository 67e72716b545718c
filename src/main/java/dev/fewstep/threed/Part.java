package dev.fewstep.threed;

/** What a caption says about one primitive: its shape, colour and size, not where it stands. */
public record Part(Shape shape, Colour colour, Size size) {
    /** "a red cone", "a small orange torus", "an orange cube". */
    public String words() {
        String adjectives = (size.word().isEmpty() ? "" : size.word() + " ") + colour.word();
        String article = "aeiou".indexOf(adjectives.charAt(0)) >= 0 ? "an" : "a";
        return article + " " + adjectives + " " + shape.word();
    }

    /** Half the height of its bounding box. */
    public double halfHeight() {
        return shape.halfHeight() * size.scale();
    }

    /** Half the width along x of its bounding box. */
    public double halfWidth() {
        return shape.halfWidth() * size.scale();
    }
}
