package dev.fewstep.threed;

import java.util.Random;

/**
 * A pinhole camera on a sphere around the origin, looking at it with y up: the eye is at
 * D (cos e sin a, sin e, cos e cos a) for azimuth a and elevation e, at the fixed distance D = 4 and vertical field of
 * view 42°, so the largest scene (two large parts side by side) stays in the frame from every view.
 *
 * @param azimuthDegrees around the y axis; 0 looks from +z towards the origin
 * @param elevationDegrees above the ground plane
 */
public record Camera(double azimuthDegrees, double elevationDegrees) {
    public static final double DISTANCE = 4.0;
    public static final double FOV_DEGREES = 42.0;
    /** The range of elevations the dataset draws from. */
    public static final double MIN_ELEVATION = -10;
    public static final double MAX_ELEVATION = 40;
    /** The length of {@link #embedding()}, a view-conditioned network's {@code cameraDim}. */
    public static final int EMBEDDING_SIZE = 4;

    public Camera {
        if (!Double.isFinite(azimuthDegrees) || !(Math.abs(elevationDegrees) < 89)) {
            throw new IllegalArgumentException("a camera needs a finite azimuth and an elevation within ±89°, got "
                    + azimuthDegrees + "°, " + elevationDegrees + "°");
        }
    }

    /** A camera of the dataset's range: azimuth uniform in [0°, 360°), elevation uniform in [−10°, 40°]. */
    public static Camera random(Random random) {
        double azimuth = 360 * random.nextDouble();
        double elevation = MIN_ELEVATION + (MAX_ELEVATION - MIN_ELEVATION) * random.nextDouble();
        return new Camera(azimuth, elevation);
    }

    public Vec3 eye() {
        double a = Math.toRadians(azimuthDegrees);
        double e = Math.toRadians(elevationDegrees);
        return new Vec3(Math.cos(e) * Math.sin(a), Math.sin(e), Math.cos(e) * Math.cos(a)).times(DISTANCE);
    }

    /** The unit vectors of the camera frame: right, up, forward (towards the origin). */
    public Vec3[] frame() {
        Vec3 forward = eye().times(-1).normalized();
        Vec3 right = forward.cross(new Vec3(0, 1, 0)).normalized();
        Vec3 up = right.cross(forward);
        return new Vec3[] {right, up, forward};
    }

    /**
     * The unit direction of the ray through image point (u, v) in [−1, 1]², u to the right and v up:
     * normalise(f + tan(fov/2) (u r + v u)).
     */
    public Vec3 ray(double u, double v) {
        Vec3[] f = frame();
        double t = Math.tan(Math.toRadians(FOV_DEGREES / 2));
        return f[2].plus(f[0].times(u * t)).plus(f[1].times(v * t)).normalized();
    }

    /** The camera as the network sees it: (sin a, cos a, sin e, cos e). */
    public float[] embedding() {
        double a = Math.toRadians(azimuthDegrees);
        double e = Math.toRadians(elevationDegrees);
        return new float[] {(float) Math.sin(a), (float) Math.cos(a), (float) Math.sin(e), (float) Math.cos(e)};
    }
}
