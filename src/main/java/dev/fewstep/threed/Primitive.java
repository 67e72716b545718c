package dev.fewstep.threed;

/** A part placed in the world: its shape's SDF scaled by its size and moved to {@code centre}. */
public record Primitive(Part part, Vec3 centre) {
    /** d(p) = s · d_unit((p − c) / s): uniform scaling keeps an exact distance exact. */
    public double sdf(Vec3 p) {
        double s = part.size().scale();
        return s * part.shape().sdf(p.minus(centre).times(1 / s));
    }

    public Colour colour() {
        return part.colour();
    }
}
