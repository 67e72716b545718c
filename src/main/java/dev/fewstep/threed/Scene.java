package dev.fewstep.threed;

import java.util.List;

/**
 * One or two parts and how they stand, as a signed distance function: the union of the primitives,
 * d(p) = min_i d_i(p), coloured by the nearest one. The layout is fixed by the relation, and the scene's bounding
 * box is centred on the origin, where every camera looks.
 *
 * @param relation {@link Relation#ALONE} with one part, otherwise the first part stands on / next to the second
 */
public record Scene(Relation relation, List<Part> parts) {
    /** Space between two parts standing next to each other. */
    static final double GAP = 0.1;

    public Scene {
        parts = List.copyOf(parts);
        if (parts.size() != (relation == Relation.ALONE ? 1 : 2)) {
            throw new IllegalArgumentException("a scene " + (relation == Relation.ALONE ? "alone" : relation.words())
                    + " has " + (relation == Relation.ALONE ? "one part" : "two parts") + ", not " + parts.size());
        }
    }

    public static Scene of(Part alone) {
        return new Scene(Relation.ALONE, List.of(alone));
    }

    public static Scene of(Part first, Relation relation, Part second) {
        return new Scene(relation, List.of(first, second));
    }

    /** "a red cone on a blue cube"; {@link Captions#parse} reads it back. */
    public String caption() {
        return relation == Relation.ALONE ? parts.get(0).words()
                : parts.get(0).words() + " " + relation.words() + " " + parts.get(1).words();
    }

    /** The parts at their places: stacked along y ("on"), or side by side along x on one ground ("next to"). */
    public List<Primitive> primitives() {
        Part a = parts.get(0);
        return switch (relation) {
            case ALONE -> List.of(new Primitive(a, Vec3.ZERO));
            case ON -> {
                Part b = parts.get(1);
                double bottomOfB = -(a.halfHeight() + b.halfHeight());
                double yB = bottomOfB + b.halfHeight();
                double yA = yB + b.halfHeight() + a.halfHeight();
                yield List.of(new Primitive(a, new Vec3(0, yA, 0)), new Primitive(b, new Vec3(0, yB, 0)));
            }
            case NEXT_TO -> {
                Part b = parts.get(1);
                double width = 2 * a.halfWidth() + GAP + 2 * b.halfWidth();
                double ground = -Math.max(a.halfHeight(), b.halfHeight());
                yield List.of(new Primitive(a, new Vec3(-width / 2 + a.halfWidth(), ground + a.halfHeight(), 0)),
                        new Primitive(b, new Vec3(width / 2 - b.halfWidth(), ground + b.halfHeight(), 0)));
            }
        };
    }

    /** A compiled form for many evaluations (renderers, voxel grids). */
    public Field field() {
        return new Field(primitives());
    }

    /** The scene's SDF and colour, with the layout computed once. */
    public static final class Field {
        private final List<Primitive> primitives;

        Field(List<Primitive> primitives) {
            this.primitives = primitives;
        }

        /** d(p) = min_i d_i(p). */
        public double sdf(Vec3 p) {
            double d = Double.POSITIVE_INFINITY;
            for (Primitive primitive : primitives) {
                d = Math.min(d, primitive.sdf(p));
            }
            return d;
        }

        /** The albedo of the primitive nearest to p. */
        public Colour colourAt(Vec3 p) {
            Primitive nearest = primitives.get(0);
            double d = Double.POSITIVE_INFINITY;
            for (Primitive primitive : primitives) {
                double di = primitive.sdf(p);
                if (di < d) {
                    d = di;
                    nearest = primitive;
                }
            }
            return nearest.colour();
        }

        /** The outward unit normal ∇d/|∇d|, by central differences. */
        public Vec3 normal(Vec3 p) {
            double e = 1e-4;
            return new Vec3(sdf(new Vec3(p.x() + e, p.y(), p.z())) - sdf(new Vec3(p.x() - e, p.y(), p.z())),
                    sdf(new Vec3(p.x(), p.y() + e, p.z())) - sdf(new Vec3(p.x(), p.y() - e, p.z())),
                    sdf(new Vec3(p.x(), p.y(), p.z() + e)) - sdf(new Vec3(p.x(), p.y(), p.z() - e))).normalized();
        }
    }
}
