package dev.fewstep.threed;

/** The two signed distance functions that need more than one line (Inigo Quilez, "distance functions"). */
final class Sdf {
    private Sdf() {}

    /**
     * Capped cone around the y axis from radius r1 at y = −h to r2 at y = +h, given the point's distance from the axis
     * {@code radial} and its height {@code y}: the distance to the nearer of the caps (ca) and the slanted side (cb).
     */
    static double cappedCone(double radial, double y, double h, double r1, double r2) {
        double k1x = r2;
        double k1y = h;
        double k2x = r2 - r1;
        double k2y = 2 * h;
        double cax = radial - Math.min(radial, y < 0 ? r1 : r2);
        double cay = Math.abs(y) - h;
        double t = clamp(((k1x - radial) * k2x + (k1y - y) * k2y) / (k2x * k2x + k2y * k2y), 0, 1);
        double cbx = radial - k1x + k2x * t;
        double cby = y - k1y + k2y * t;
        double sign = cbx < 0 && cay < 0 ? -1 : 1;
        return sign * Math.sqrt(Math.min(cax * cax + cay * cay, cbx * cbx + cby * cby));
    }

    /**
     * Square pyramid with base side 1 centred in the plane y = 0 and apex at height h. IQ's formula measures the
     * distance to the four slanted faces only (by symmetry one face: the point is projected into its plane and the
     * distance to the triangle recovered in 3D), so the base is added here: below the base plane the nearest point is
     * on the base square (every face's outward normal points up), and inside the distance is the nearer of the faces
     * and the base.
     */
    static double pyramid(double px, double py, double pz, double h) {
        if (py < 0) {
            double dx = Math.max(Math.abs(px) - 0.5, 0);
            double dz = Math.max(Math.abs(pz) - 0.5, 0);
            return Math.sqrt(dx * dx + dz * dz + py * py);
        }
        double faces = slantedFaces(px, py, pz, h);
        return faces < 0 ? -Math.min(-faces, py) : faces;
    }

    private static double slantedFaces(double px, double py, double pz, double h) {
        double m2 = h * h + 0.25;
        double x = Math.abs(px);
        double z = Math.abs(pz);
        if (z > x) {
            double swap = x;
            x = z;
            z = swap;
        }
        x -= 0.5;
        z -= 0.5;
        double qx = z;
        double qy = h * py - 0.5 * x;
        double qz = h * x + 0.5 * py;
        double s = Math.max(-qx, 0);
        double t = clamp((qy - 0.5 * z) / (m2 + 0.25), 0, 1);
        double a = m2 * (qx + s) * (qx + s) + qy * qy;
        double b = m2 * (qx + 0.5 * t) * (qx + 0.5 * t) + (qy - m2 * t) * (qy - m2 * t);
        double d2 = Math.min(qy, -qx * m2 - qy * 0.5) > 0 ? 0 : Math.min(a, b);
        return Math.sqrt((d2 + qz * qz) / m2) * Math.signum(Math.max(qz, -py));
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
