package dev.fewstep.threed;

import java.util.Locale;

/**
 * The primitives of the shapes world as signed distance functions (negative inside), at unit size, in a local frame
 * centred on the primitive's bounding box with y up. The exact distances are Inigo Quilez's ("distance functions",
 * iquilezles.org); a scene scales and moves them ({@link Primitive}).
 */
public enum Shape {
    /** |p| − r, r = 0.5. */
    SPHERE(0.5, 0.5) {
        @Override
        public double sdf(Vec3 p) {
            return p.length() - 0.5;
        }
    },
    /** q = |p| − b: |max(q, 0)| + min(max(q_x, q_y, q_z), 0), half side b = 0.4. */
    CUBE(0.4, 0.4) {
        @Override
        public double sdf(Vec3 p) {
            double b = 0.4;
            double qx = Math.abs(p.x()) - b;
            double qy = Math.abs(p.y()) - b;
            double qz = Math.abs(p.z()) - b;
            return Math.hypot(Math.hypot(Math.max(qx, 0), Math.max(qy, 0)), Math.max(qz, 0))
                    + Math.min(Math.max(qx, Math.max(qy, qz)), 0);
        }
    },
    /** Upright capped cylinder: d = (|p_xz| − r, |p_y| − h); min(max(d), 0) + |max(d, 0)|, r = 0.4, h = 0.45. */
    CYLINDER(0.45, 0.4) {
        @Override
        public double sdf(Vec3 p) {
            double dx = Math.hypot(p.x(), p.z()) - 0.4;
            double dy = Math.abs(p.y()) - 0.45;
            return Math.min(Math.max(dx, dy), 0) + Math.hypot(Math.max(dx, 0), Math.max(dy, 0));
        }
    },
    /** Upright cone: base radius 0.5 at y = −0.5, apex at y = +0.5 (IQ's capped cone with r2 = 0). */
    CONE(0.5, 0.5) {
        @Override
        public double sdf(Vec3 p) {
            return Sdf.cappedCone(Math.hypot(p.x(), p.z()), p.y(), 0.5, 0.5, 0);
        }
    },
    /** Torus lying in the ground plane: q = (|p_xz| − R, p_y); |q| − r, R = 0.35, r = 0.13. */
    TORUS(0.13, 0.48) {
        @Override
        public double sdf(Vec3 p) {
            return Math.hypot(Math.hypot(p.x(), p.z()) - 0.35, p.y()) - 0.13;
        }
    },
    /** Square pyramid: base side 0.9 at y = −0.4, apex at y = +0.4 (IQ's exact pyramid, scaled). */
    PYRAMID(0.4, 0.45) {
        @Override
        public double sdf(Vec3 p) {
            double side = 0.9;
            return side * Sdf.pyramid(p.x() / side, (p.y() + 0.4) / side, p.z() / side, 0.8 / side);
        }
    };

    private final double halfHeight;
    private final double halfWidth;

    Shape(double halfHeight, double halfWidth) {
        this.halfHeight = halfHeight;
        this.halfWidth = halfWidth;
    }

    /** Signed distance from a point in the local frame to the unit-size surface. */
    public abstract double sdf(Vec3 p);

    /** Half the height of the bounding box at unit size (stacking uses it). */
    public double halfHeight() {
        return halfHeight;
    }

    /** Half the width along x of the bounding box at unit size (side by side uses it). */
    public double halfWidth() {
        return halfWidth;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
